<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own strings that qtbase_zh_CN (PySide6 6.x) leaves in English: the file dialog's "&Look in:" and
     "Files of &type:" labels (issue 17 item 7). Loaded after qtbase_zh_CN by ui.app.install_translators. -->
<TS version="2.1" language="zh_CN">
<context>
    <name>QFileDialog</name>
    <message><source>&amp;Look in:</source><translation>查找范围(&amp;L)：</translation></message>
    <message><source>Files of &amp;type:</source><translation>文件类型(&amp;T)：</translation></message>
</context>
<context>
    <name>QFileSystemModel</name>
    <message><source>Name</source><translation>名称</translation></message>
    <message><source>Size</source><translation>大小</translation></message>
    <message><source>Type</source><translation>类型</translation></message>
    <message><source>Kind</source><translation>种类</translation></message>
    <message><source>Date Modified</source><translation>修改日期</translation></message>
</context>
</TS>
