<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../ui/app.py" line="94" />
        <source>程序内部错误</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/app.py" line="95" />
        <source>发生了一个内部错误（{0}），刚才的操作可能没有完成；已保存的数据不受影响。

详细信息已写入日志文件：
{1}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ApprovalPage</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="372" />
        <source>审批所选步骤…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="393" />
        <source>审批路径：{0}（{1}）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="397" />
        <source>已同意</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="399" />
        <source>案件已变化，须重新审批</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="401" />
        <source>不同意</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="403" />
        <source>待审批</source>
        <translation>Awaiting approval</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="430" />
        <source>审批：{0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="431" />
        <source>审批意见</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ApproverDialog</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="188" />
        <source>审批人：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="189" />
        <source>审批人密码：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="191" />
        <source>意见：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="199" />
        <source>（请选择）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="203" />
        <source>合议庭成员{0}：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="205" />
        <source>确认</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="208" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="215" />
        <source>请审批人本人选择账号并输入自己的密码。</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CaseDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="135" />
        <source>补录案件</source>
        <translation>Enter backlog case</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="135" />
        <source>新建案件（立案）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="142" />
        <source>如（2026）鲁0102执123号，半角括号也可</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="156" />
        <source>元，如 85,000.00</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="158" />
        <location filename="../../ui/dialogs.py" line="164" />
        <source>（未指定）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="167" />
        <source>涉民生案件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="168" />
        <source>非诉执行</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="169" />
        <source>被执行人下落不明</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="170" />
        <source>妨碍执行</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="172" />
        <source>执恢案件填写原案号</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="174" />
        <source>案件信息</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="176" />
        <source>案号：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="179" />
        <source>立案日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="181" />
        <source>收案日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="183" />
        <source>案由：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="185" />
        <source>申请执行标的：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="187" />
        <source>承办人：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="189" />
        <source>分案日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="191" />
        <source>书记员：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="193" />
        <source>原案号：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="201" />
        <source>当事人</source>
        <translation>Parties</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="209" />
        <source>添加当事人</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="211" />
        <source>删除所选当事人</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="219" />
        <source>执行依据</source>
        <translation>Execution basis</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="221" />
        <source>本院</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="226" />
        <source>如（2025）鲁0102民初1234号</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="231" />
        <source>作出机构：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="232" />
        <source>文书名称：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="233" />
        <source>文号：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="234" />
        <source>生效日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="235" />
        <source>主文/确定的义务：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="240" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="241" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="270" />
        <source>{0} 已存在，不能重复登记</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="276" />
        <source>{0}（{1}，执行期限{2}个月）</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CaseExchange</name>
    <message>
        <location filename="../../ui/exchange.py" line="33" />
        <source>ExecDesk 案件文件 (*.json)</source>
        <translation>ExecDesk case files (*.json)</translation>
    </message>
    <message>
        <location filename="../../ui/exchange.py" line="38" />
        <location filename="../../ui/exchange.py" line="59" />
        <location filename="../../ui/exchange.py" line="61" />
        <location filename="../../ui/exchange.py" line="67" />
        <source>导入案件</source>
        <translation>Import cases</translation>
    </message>
    <message>
        <location filename="../../ui/exchange.py" line="46" />
        <source>正在导入案件 {0}/{1}…</source>
        <translation>Importing cases {0}/{1}…</translation>
    </message>
    <message>
        <location filename="../../ui/exchange.py" line="57" />
        <source>没有导入任何案件（全部成功或全部不导入）：
{0}</source>
        <translation>No case was imported (all or nothing):
{0}</translation>
    </message>
    <message>
        <location filename="../../ui/exchange.py" line="64" />
        <source>已从 {0} 导入 {1} 件案件</source>
        <translation>Imported {1} cases from {0}</translation>
    </message>
    <message>
        <location filename="../../ui/exchange.py" line="74" />
        <location filename="../../ui/exchange.py" line="95" />
        <location filename="../../ui/exchange.py" line="96" />
        <source>导出案件</source>
        <translation>Export cases</translation>
    </message>
    <message>
        <location filename="../../ui/exchange.py" line="82" />
        <source>正在导出案件 {0}/{1}…</source>
        <translation>Exporting cases {0}/{1}…</translation>
    </message>
    <message>
        <location filename="../../ui/exchange.py" line="92" />
        <source>已导出 {0} 件案件到 {1}</source>
        <translation>Exported {0} cases to {1}</translation>
    </message>
</context>
<context>
    <name>CaseListPage</name>
    <message>
        <location filename="../../ui/case_list.py" line="234" />
        <source>搜索：案号片段、当事人姓名（如 张三）、身份证号或统一社会信用代码</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="238" />
        <source>我的案件</source>
        <translation>My cases</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="54" />
        <location filename="../../ui/case_list.py" line="239" />
        <source>全部案件</source>
        <translation>All cases</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="46" />
        <source>全部未结</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="46" />
        <source>已超期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="47" />
        <source>预警（10日内到期）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="48" />
        <source>预警（5日内到期）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="49" />
        <source>涉民生</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="50" />
        <source>标的不足10万元</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="51" />
        <source>可以终本</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="52" />
        <source>待审批</source>
        <translation>Awaiting approval</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="53" />
        <source>须书面说明</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="54" />
        <source>已结</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="242" />
        <source>新建案件</source>
        <translation>New case</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="368" />
        <source>共 {0} 件</source>
        <translation>{0} cases</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="370" />
        <source>“{0}”的搜索结果：{1} 件</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <location filename="../../ui/case_list.py" line="66" />
        <source>案号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="67" />
        <source>案由</source>
        <translation>Cause</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="68" />
        <source>申请执行人</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="69" />
        <source>被执行人</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="70" />
        <source>申请标的（元）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="71" />
        <source>立案日期</source>
        <translation>Filed on</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="72" />
        <source>承办人</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="73" />
        <source>执行期限届满</source>
        <translation>Limit due</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="74" />
        <source>预警</source>
        <translation>Warning</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="75" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="136" />
        <source>超期{0}天</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="138" />
        <source>节点超期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="140" />
        <source>{0}天后到期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="165" />
        <source>该日期所在年度的法定节假日安排尚未公布，届满日按周末推算，为暂定日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="172" />
        <source>民生</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="174" />
        <source>可终本</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="191" />
        <source>（暂定）</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CaseWorkspace</name>
    <message>
        <location filename="../../ui/case_workspace.py" line="227" />
        <source>终本助手</source>
        <translation>Zhongben assistant</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="230" />
        <location filename="../../ui/case_workspace.py" line="435" />
        <source>书面说明</source>
        <translation>Written explanations</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="232" />
        <source>打印案件信息</source>
        <translation>Print case summary</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="249" />
        <source>案件 {0} 的修改</source>
        <translation>Changes to case {0}</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="259" />
        <source>案件情况</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="261" />
        <source>可修改的信息</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="265" />
        <source>概况</source>
        <translation>Overview</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="268" />
        <source>当事人</source>
        <translation>Parties</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="273" />
        <source>执行依据</source>
        <translation>Execution basis</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="278" />
        <source>记录节点</source>
        <translation>Record node</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="279" />
        <source>更正所选节点</source>
        <translation>Correct selected node</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="279" />
        <source>流程节点</source>
        <translation>Nodes</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="286" />
        <source>财产查控</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="287" />
        <source>记录查控</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="289" />
        <source>财产线索</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="290" />
        <source>登记线索</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="291" />
        <source>核实所选线索</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="292" />
        <source>已查明财产</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="293" />
        <source>登记财产</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="295" />
        <source>财产</source>
        <translation>Property</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="298" />
        <source>记录措施</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="299" />
        <source>执行措施</source>
        <translation>Measures</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="305" />
        <source>记录执行款</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="307" />
        <source>执行款</source>
        <translation>Payments</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="319" />
        <source>扣除执行期限</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="321" />
        <source>登记扣除期间</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="322" />
        <source>结束所选扣除期间</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="323" />
        <source>延长执行期限</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="324" />
        <source>登记延长</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="326" />
        <source>期限</source>
        <translation>Deadlines</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="329" />
        <source>另存所选文书…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="330" />
        <source>文书</source>
        <translation>Documents</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="332" />
        <source>操作记录</source>
        <translation>Audit history</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="371" />
        <source>{0}　申请执行人：{1}　被执行人：{2}　承办人：{3}　{4}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="388" />
        <source>已超过执行期限 {0} 天（届满日 {1}）。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="390" />
        <source>须出具书面说明。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="393" />
        <source>已超期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="394" />
        <source> 等{0}项</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="399" />
        <source>预警：{0}将于 {1} 届满，还剩 {2} 天。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="404" />
        <source>（部分期限所在年度的节假日安排尚未公布，届满日为暂定）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="423" />
        <source>案号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="424" />
        <source>立案日期</source>
        <translation>Filed on</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="425" />
        <source>收案日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="426" />
        <source>分案日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="427" />
        <source>申请执行标的</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="427" />
        <location filename="../../ui/case_workspace.py" line="428" />
        <location filename="../../ui/case_workspace.py" line="429" />
        <source> 元</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="428" />
        <source>已到位</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="429" />
        <source>尚未执行</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="430" />
        <source>执行期限届满</source>
        <translation>Limit due</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="430" />
        <source>（暂定）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="432" />
        <source>最近到期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="433" />
        <source>最早终本日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="434" />
        <source>终本条件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="434" />
        <source>已具备</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="434" />
        <source>尚未具备</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="435" />
        <source>须出具</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="435" />
        <source>不需要</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="436" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="452" />
        <source>作出机构</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="452" />
        <source>文书名称</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="453" />
        <source>文号</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="453" />
        <source>生效日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="454" />
        <source>申请执行日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="454" />
        <source>案由</source>
        <translation>Cause</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="455" />
        <source>主文/确定的义务</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="457" />
        <source>尚未登记执行依据。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="482" />
        <source>申请执行标的 {0} 元；已到账 {1} 元；已发放 {2} 元；尚未执行 {3} 元。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="488" />
        <source>是（节假日安排未公布）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="493" />
        <source>期限由系统依据节点记录计算，不能手工修改；今天是{0}。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="496" />
        <source>尚未计算期限（期限计算模块未运行或本案没有适用的期限）。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="498" />
        <source>（进行中）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="557" />
        <location filename="../../ui/case_workspace.py" line="560" />
        <source>更正节点</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="557" />
        <source>请先在表格中选择要更正的节点。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="560" />
        <source>该节点已被更正过，请更正最新的记录。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="573" />
        <location filename="../../ui/case_workspace.py" line="575" />
        <source>核实线索</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="573" />
        <source>请先选择要核实的线索。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="585" />
        <location filename="../../ui/case_workspace.py" line="587" />
        <source>结束扣除期间</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="585" />
        <source>请先选择扣除期间。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="597" />
        <location filename="../../ui/case_workspace.py" line="604" />
        <location filename="../../ui/case_workspace.py" line="610" />
        <source>另存文书</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="597" />
        <source>请先选择文书。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="604" />
        <source>PDF 文件 (*.pdf)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ChecklistPage</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="80" />
        <source>申请豁免所选条件…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="83" />
        <source>拟作出裁定日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="96" />
        <source>终本条件核查模块不可用。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="111" />
        <source>（提示）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="125" />
        <source>去记录</source>
        <translation>Record it</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="130" />
        <source>终本条件已全部具备，可以起草终本裁定。最早可作出裁定的日期：{0}。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="134" />
        <source>尚有 {0} 项条件未满足（见红色各项），补录后再起草。最早可作出裁定的日期：{1}。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="142" />
        <location filename="../../ui/zhongben_wizard.py" line="147" />
        <location filename="../../ui/zhongben_wizard.py" line="159" />
        <source>豁免</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="142" />
        <source>请先选择要豁免的条件。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="147" />
        <source>“{0}”是法定条件，不能豁免。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="149" />
        <source>豁免终本条件：{0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="150" />
        <source>豁免理由</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../ui/dashboard.py" line="82" />
        <source>导出 Excel…</source>
        <translation>Export to Excel…</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="85" />
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="111" />
        <source>正在计算…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="124" />
        <source>统计失败：{0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="133" />
        <source>未结案件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="133" />
        <source>超期案件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="134" />
        <source>10日内到期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="134" />
        <source>本年已结</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="139" />
        <source>未结 {0} 件，其中超期 {1} 件、10日内到期 {2} 件；本年已结 {3} 件。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="142" />
        <source>各承办人超期与预警案件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="143" />
        <source>超期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="144" />
        <source>预警</source>
        <translation>Warning</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="145" />
        <source>未结案件按立案时长</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="146" />
        <source>件数</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="150" />
        <source>质效指标与目标（%）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="151" />
        <source>实际</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="152" />
        <source>目标</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="154" />
        <source>各承办人未结案件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="155" />
        <source>未结</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="162" />
        <location filename="../../ui/dashboard.py" line="171" />
        <location filename="../../ui/dashboard.py" line="174" />
        <source>导出 Excel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="163" />
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="174" />
        <source>已导出：{0}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>DateField</name>
    <message>
        <location filename="../../ui/widgets.py" line="60" />
        <source>（未填）</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>DraftPage</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="319" />
        <source>裁定书原本</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="320" />
        <source>公开版（隐去身份证号、住址等）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="340" />
        <source>裁定日期：{0}。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="342" />
        <source>尚不能出具：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="344" />
        <source>还需审批：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="346" />
        <source>审批已全部完成，可以出具。</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../ui/widgets.py" line="343" />
        <source>操作未完成：{0}

详细信息已写入日志文件：
{1}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ExplanationsPage</name>
    <message>
        <location filename="../../ui/explanations.py" line="66" />
        <source>我的案件</source>
        <translation>My cases</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="67" />
        <source>全院</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="74" />
        <source>批量打印全部书面说明…</source>
        <translation>Print all explanations…</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="87" />
        <source>保存说明</source>
        <translation>Save explanation</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="90" />
        <source>出具并打印…</source>
        <translation>Issue and print…</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="92" />
        <source>打开案件</source>
        <translation>Open case</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="100" />
        <source>书面说明</source>
        <translation>Written explanations</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="103" />
        <source>超期原因：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="104" />
        <source>原因说明：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="105" />
        <source>下一步措施：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="106" />
        <source>计划结案日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="107" />
        <source>计划结案方式：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="108" />
        <source>执行局长意见：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="123" />
        <source>范围：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="167" />
        <source>书面说明的保存与出具（文书模块）尚未安装：可以查看须出具说明的案件，暂不能保存。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="186" />
        <source>共 {0} 件</source>
        <translation>{0} cases</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="210" />
        <source>书面说明（{0}）</source>
        <translation>Written explanation ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="217" />
        <source>{0} 有未保存的修改。是否保存？</source>
        <translation>{0} has unsaved changes. Save them?</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="269" />
        <source>请在左侧选择案件。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="271" />
        <source>{0}　{1}　超期 {2} 天</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="284" />
        <source>状态：{0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="284" />
        <source>状态：尚未填写</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="312" />
        <source>状态：已保存草稿</source>
        <translation>Status: draft saved</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="358" />
        <source>批量打印</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="360" />
        <source>批量生成书面说明</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="369" />
        <source>{0}（第{1}版）</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>FirstStartDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="537" />
        <source>欢迎使用 ExecDesk</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="539" />
        <source>数据库中还没有案件。

可以先载入演示数据（虚构的法院、账号和案件，不会同步到省平台）熟悉操作，也可以直接设置本院信息并创建自己的账号。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="543" />
        <source>载入演示数据</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="546" />
        <source>设置本院并创建账号</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="548" />
        <source>退出</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <location filename="../../ui/widgets.py" line="208" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="209" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>IssuePage</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="480" />
        <source>出具后裁定书和公开版作为不可修改的版本保存（含 SHA-256 校验值），并记入操作记录。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="483" />
        <source>出具终本裁定书</source>
        <translation>Issue ruling</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="486" />
        <source>打印原本…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="488" />
        <source>保存原本…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="490" />
        <source>保存公开版…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="492" />
        <source>打印公开版…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="523" />
        <source>已出具第{0}版。SHA-256：{1}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="47" />
        <source>ExecDesk 执行办案桌面端 — {0}（{1}）</source>
        <translation>ExecDesk — {0} ({1})</translation>
    </message>
    <message>
        <source>今日待办</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="60" />
        <source>案件</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="97" />
        <location filename="../../ui/main_window.py" line="243" />
        <source>书面说明</source>
        <translation>Written explanations</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="98" />
        <location filename="../../ui/main_window.py" line="244" />
        <source>督办与预警</source>
        <translation>Supervision &amp; warnings</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="99" />
        <location filename="../../ui/main_window.py" line="245" />
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="100" />
        <location filename="../../ui/main_window.py" line="246" />
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="222" />
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="223" />
        <source>新建案件</source>
        <translation>New case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="224" />
        <source>补录案件</source>
        <translation>Enter backlog case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="226" />
        <source>导入案件…</source>
        <translation>Import cases…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="227" />
        <source>导出所选案件…</source>
        <translation>Export selected case…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="228" />
        <source>导出全部案件…</source>
        <translation>Export all cases…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="231" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="232" />
        <source>打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="234" />
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="235" />
        <source>案件(&amp;C)</source>
        <translation>&amp;Case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="236" />
        <source>查找案件</source>
        <translation>Find case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="237" />
        <source>打开所选案件</source>
        <translation>Open selected case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="238" />
        <source>终本助手</source>
        <translation>Zhongben assistant</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="239" />
        <source>关闭当前案件</source>
        <translation>Close case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="241" />
        <source>工作(&amp;W)</source>
        <translation>&amp;Work</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="242" />
        <source>案件列表</source>
        <translation>Case list</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="247" />
        <source>同步(&amp;S)</source>
        <translation>&amp;Sync</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="248" />
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="249" />
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="250" />
        <source>日志文件位置</source>
        <translation>Log file location</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="251" />
        <source>关于</source>
        <translation>About</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="272" />
        <source>请先在案件列表中选中一件案件</source>
        <translation>Select a case in the case list first</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="306" />
        <source>日志文件</source>
        <translation>Log file</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="306" />
        <source>日志文件位于：
{0}</source>
        <translation>The log file is at:
{0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="311" />
        <source>关于 ExecDesk</source>
        <translation>About ExecDesk</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="312" />
        <source>ExecDesk 执行办案桌面端 {0}
数据库：{1}</source>
        <translation>ExecDesk {0}
Database: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="324" />
        <source>当前用户：{0}</source>
        <translation>User: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="345" />
        <source>离线（未设置省平台地址）</source>
        <translation>Offline (no platform address set)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="348" />
        <source>在线</source>
        <translation>Online</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="350" />
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="352" />
        <source>成功</source>
        <translation>succeeded</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="352" />
        <source>失败</source>
        <translation>failed</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="352" />
        <source>已取消</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="353" />
        <source>进行中</source>
        <translation>running</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="354" />
        <source>　上次同步：{0} {1}</source>
        <translation> · last sync: {0} {1}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="356" />
        <source>　尚未同步</source>
        <translation> · never synced</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="358" />
        <source>待上传 {0} 条</source>
        <translation>{0} changes to upload</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="360" />
        <source>，{0} 条需处理</source>
        <translation>, {0} need attention</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="362" />
        <source>今日预警 {0} 件　超期 {1} 件</source>
        <translation>Warnings today: {0}   Overdue: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="435" />
        <source>恢复未保存的内容</source>
        <translation>Recover unsaved work</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="436" />
        <source>上次程序没有正常退出，以下内容尚未保存：
{0}

是否恢复？恢复后请核对并保存。</source>
        <translation>ExecDesk did not close normally last time. This was not saved:
{0}

Recover it? Check it and save it afterwards.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="439" />
        <source>恢复</source>
        <translation>Recover</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="440" />
        <source>放弃</source>
        <translation>Discard</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="458" />
        <source>另有 {0} 项未恢复的内容仍保留着，下次启动时会再次询问</source>
        <translation>{0} more unsaved item(s) kept: you will be asked again at the next start</translation>
    </message>
    <message>
        <source>有未保存的修改</source>
        <translation type="vanished">Unsaved changes</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="414" />
        <source>{0} 有未保存的修改。是否保存？</source>
        <translation>{0} has unsaved changes. Save them?</translation>
    </message>
    <message>
        <source>不保存</source>
        <translation type="vanished">Don't save</translation>
    </message>
    <message>
        <source>取消</source>
        <translation type="vanished">Cancel</translation>
    </message>
</context>
<context>
    <name>NodeDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="339" />
        <source>更正流程节点</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="339" />
        <source>记录流程节点</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="361" />
        <source>节点：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="362" />
        <source>启动日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="363" />
        <source>完成日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="364" />
        <source>状态：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="365" />
        <source>处理人：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="366" />
        <source>文书文号：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="367" />
        <source>业务描述/结果：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="369" />
        <source>更正原因：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="370" />
        <source>节点信息</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="375" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="376" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="382" />
        <source>更正不会覆盖原记录：原节点标记为“已更正”，并保存一条新的节点记录。</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>OverviewForm</name>
    <message>
        <location filename="../../ui/case_workspace.py" line="82" />
        <location filename="../../ui/case_workspace.py" line="86" />
        <source>（未指定）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="96" />
        <source>保存修改（Ctrl+S）</source>
        <translation>Save changes (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="98" />
        <source>放弃修改</source>
        <translation>Discard changes</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="100" />
        <source>案由：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="101" />
        <source>申请执行标的（元）：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="102" />
        <source>承办人：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="103" />
        <source>分案日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="104" />
        <source>书记员：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="108" />
        <source>标记：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="109" />
        <source>备注：</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PdfPreviewDialog</name>
    <message>
        <location filename="../../ui/pdf_view.py" line="191" />
        <source>打印…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="193" />
        <source>另存为…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="195" />
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="210" />
        <source>另存为</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="210" />
        <source>PDF 文件 (*.pdf)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PdfView</name>
    <message>
        <location filename="../../ui/pdf_view.py" line="100" />
        <source>用系统 PDF 阅读器打开</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="121" />
        <source>无法在程序内预览：{0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="124" />
        <source>共 {0} 页</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/sign_in.py" line="31" />
        <source>ExecDesk 执行办案桌面端 — 登录</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="43" />
        <source>本地账号：</source>
        <translation>Local profile:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="44" />
        <source>密码：</source>
        <translation>Password:</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="46" />
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="47" />
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="51" />
        <source>执行办案桌面端</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SupervisionPage</name>
    <message>
        <location filename="../../ui/supervision.py" line="33" />
        <source>全部</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="46" />
        <source>回复内容：整改情况、下一步措施、预计结案时间</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="48" />
        <source>保存回复</source>
        <translation>Save reply</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="51" />
        <source>打开案件</source>
        <translation>Open case</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="53" />
        <source>暂无督办或预警。省平台下发的督办、预警在同步后显示在这里。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="56" />
        <source>状态：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="62" />
        <source>回复：</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <location filename="../../ui/sync_panel.py" line="54" />
        <source>留空则使用系统证书</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="55" />
        <source>选择…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="64" />
        <source> 分钟（0 = 不自动同步）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="66" />
        <location filename="../../ui/sync_panel.py" line="169" />
        <source>保存设置</source>
        <translation>Save settings</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="68" />
        <location filename="../../ui/sync_panel.py" line="195" />
        <source>登录省平台</source>
        <translation>Sign in to platform</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="71" />
        <source>退出登录</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="74" />
        <source>省平台连接</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="76" />
        <source>平台地址：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="80" />
        <source>CA 证书：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="81" />
        <source>法院账号：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="82" />
        <source>密码：</source>
        <translation>Password:</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="83" />
        <source>自动同步间隔：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="98" />
        <source>立即同步（F5）</source>
        <translation>Sync now (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="101" />
        <source>取消同步</source>
        <translation>Cancel sync</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="106" />
        <location filename="../../ui/sync_panel.py" line="275" />
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="120" />
        <source>需要处理的变更（被拒收或与省平台冲突）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="122" />
        <source>冲突：同一记录在省平台上已被修改。选择“保留本地”会把本地内容作为新的修改再次上报；选择“采用平台”会用平台上的内容覆盖本地。被拒收：省平台校验未通过，请按原因修改案件后“重新上报”，或确认“不再上报”。所有处理都记入操作记录。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="129" />
        <source>保留本地</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="130" />
        <source>采用平台</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="131" />
        <source>重新上报</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="132" />
        <source>不再上报</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="154" />
        <source>选择 CA 证书</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="154" />
        <source>证书 (*.pem *.crt);;所有文件 (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="162" />
        <source>平台地址：应以 https:// 开头</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="196" />
        <source>已登录：{0}（{1}）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="229" />
        <source>正在同步…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="240" />
        <source>正在取消…（已确认的数据不会丢失）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="261" />
        <source>同步完成</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="266" />
        <source>同步已取消；已上报并确认的数据已保存，其余下次继续。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="301" />
        <source>上次同步期间界面最长停顿：{0:.0f} 毫秒</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="305" />
        <source>冲突</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="305" />
        <source>被拒收</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="315" />
        <location filename="../../ui/sync_panel.py" line="328" />
        <location filename="../../ui/sync_panel.py" line="331" />
        <source>处理变更</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="315" />
        <source>请先在表格中选择一条。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="320" />
        <source>这一条不是冲突，请用“重新上报”或“不再上报”</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="325" />
        <source>这一条是冲突，请选择“保留本地”或“采用平台”</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>Unsaved</name>
    <message>
        <location filename="../../ui/widgets.py" line="349" />
        <source>有未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="353" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="354" />
        <source>不保存</source>
        <translation>Don't save</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="355" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ZhongbenWizard</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="239" />
        <source>终本助手 — {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="248" />
        <source>上一步</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="250" />
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="253" />
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>parent</name>
    <message>
        <location filename="../../ui/workers.py" line="151" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="558" />
        <location filename="../../ui/zhongben_wizard.py" line="565" />
        <source>保存 PDF</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="558" />
        <source>PDF 文件 (*.pdf)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wizard</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="541" />
        <source>终本裁定的起草、审批和出具功能（文书模块）未安装，本步骤不可用。</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>
