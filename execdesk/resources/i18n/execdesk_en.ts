<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../ui/app.py" line="91" />
        <source>程序内部错误</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/app.py" line="92" />
        <source>发生了一个内部错误（{0}），刚才的操作可能没有完成；已保存的数据不受影响。

详细信息已写入日志文件：
{1}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ApprovalPage</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="371" />
        <source>审批所选步骤…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="392" />
        <source>审批路径：{0}（{1}）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="396" />
        <source>已同意</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="398" />
        <source>案件已变化，须重新审批</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="400" />
        <source>不同意</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="402" />
        <source>待审批</source>
        <translation>Awaiting approval</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="429" />
        <source>审批：{0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="430" />
        <source>审批意见</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ApproverDialog</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="187" />
        <source>审批人：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="188" />
        <source>审批人密码：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="190" />
        <source>意见：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="198" />
        <source>（请选择）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="202" />
        <source>合议庭成员{0}：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="204" />
        <source>确认</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="207" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="214" />
        <source>请审批人本人选择账号并输入自己的密码。</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CaseDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="134" />
        <source>补录案件</source>
        <translation>Enter backlog case</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="134" />
        <source>新建案件（立案）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="141" />
        <source>如（2026）鲁0102执123号，半角括号也可</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="155" />
        <source>元，如 85,000.00</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="157" />
        <location filename="../../ui/dialogs.py" line="163" />
        <source>（未指定）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="166" />
        <source>涉民生案件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="167" />
        <source>非诉执行</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="168" />
        <source>被执行人下落不明</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="169" />
        <source>妨碍执行</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="171" />
        <source>执恢案件填写原案号</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="173" />
        <source>案件信息</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="175" />
        <source>案号：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="178" />
        <source>立案日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="180" />
        <source>收案日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="182" />
        <source>案由：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="184" />
        <source>申请执行标的：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="186" />
        <source>承办人：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="188" />
        <source>分案日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="190" />
        <source>书记员：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="192" />
        <source>原案号：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="200" />
        <source>当事人</source>
        <translation>Parties</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="208" />
        <source>添加当事人</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="210" />
        <source>删除所选当事人</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="218" />
        <source>执行依据</source>
        <translation>Execution basis</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="220" />
        <source>本院</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="225" />
        <source>如（2025）鲁0102民初1234号</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="230" />
        <source>作出机构：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="231" />
        <source>文书名称：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="232" />
        <source>文号：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="233" />
        <source>生效日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="234" />
        <source>主文/确定的义务：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="239" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="240" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="269" />
        <source>{0} 已存在，不能重复登记</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="275" />
        <source>{0}（{1}，执行期限{2}个月）</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CaseListPage</name>
    <message>
        <location filename="../../ui/case_list.py" line="222" />
        <source>搜索：案号片段、当事人姓名（如 张三）、身份证号或统一社会信用代码</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="226" />
        <source>我的案件</source>
        <translation>My cases</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="46" />
        <location filename="../../ui/case_list.py" line="227" />
        <source>全部案件</source>
        <translation>All cases</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="38" />
        <source>全部未结</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="38" />
        <source>已超期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="39" />
        <source>预警（10日内到期）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="40" />
        <source>预警（5日内到期）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="41" />
        <source>涉民生</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="42" />
        <source>标的不足10万元</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="43" />
        <source>可以终本</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="44" />
        <source>待审批</source>
        <translation>Awaiting approval</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="45" />
        <source>须书面说明</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="46" />
        <source>已结</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="230" />
        <source>新建案件</source>
        <translation>New case</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="347" />
        <source>共 {0} 件</source>
        <translation>{0} cases</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="349" />
        <source>“{0}”的搜索结果：{1} 件</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <location filename="../../ui/case_list.py" line="58" />
        <source>案号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="59" />
        <source>案由</source>
        <translation>Cause</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="60" />
        <source>申请执行人</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="61" />
        <source>被执行人</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="62" />
        <source>申请标的（元）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="63" />
        <source>立案日期</source>
        <translation>Filed on</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="64" />
        <source>承办人</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="65" />
        <source>执行期限届满</source>
        <translation>Limit due</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="66" />
        <source>预警</source>
        <translation>Warning</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="67" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="128" />
        <source>超期{0}天</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="130" />
        <source>节点超期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="132" />
        <source>{0}天后到期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="157" />
        <source>该日期所在年度的法定节假日安排尚未公布，届满日按周末推算，为暂定日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="164" />
        <source>民生</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="166" />
        <source>可终本</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_list.py" line="183" />
        <source>（暂定）</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CaseWorkspace</name>
    <message>
        <location filename="../../ui/case_workspace.py" line="207" />
        <source>终本助手</source>
        <translation>Zhongben assistant</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="210" />
        <location filename="../../ui/case_workspace.py" line="411" />
        <source>书面说明</source>
        <translation>Written explanations</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="212" />
        <source>打印案件信息</source>
        <translation>Print case summary</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="235" />
        <source>案件情况</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="237" />
        <source>可修改的信息</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="241" />
        <source>概况</source>
        <translation>Overview</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="244" />
        <source>当事人</source>
        <translation>Parties</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="249" />
        <source>执行依据</source>
        <translation>Execution basis</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="254" />
        <source>记录节点</source>
        <translation>Record node</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="255" />
        <source>更正所选节点</source>
        <translation>Correct selected node</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="255" />
        <source>流程节点</source>
        <translation>Nodes</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="262" />
        <source>财产查控</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="263" />
        <source>记录查控</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="265" />
        <source>财产线索</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="266" />
        <source>登记线索</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="267" />
        <source>核实所选线索</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="268" />
        <source>已查明财产</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="269" />
        <source>登记财产</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="271" />
        <source>财产</source>
        <translation>Property</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="274" />
        <source>记录措施</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="275" />
        <source>执行措施</source>
        <translation>Measures</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="281" />
        <source>记录执行款</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="283" />
        <source>执行款</source>
        <translation>Payments</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="295" />
        <source>扣除执行期限</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="297" />
        <source>登记扣除期间</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="298" />
        <source>结束所选扣除期间</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="299" />
        <source>延长执行期限</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="300" />
        <source>登记延长</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="302" />
        <source>期限</source>
        <translation>Deadlines</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="305" />
        <source>另存所选文书…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="306" />
        <source>文书</source>
        <translation>Documents</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="308" />
        <source>操作记录</source>
        <translation>Audit history</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="347" />
        <source>{0}　申请执行人：{1}　被执行人：{2}　承办人：{3}　{4}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="364" />
        <source>已超过执行期限 {0} 天（届满日 {1}）。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="366" />
        <source>须出具书面说明。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="369" />
        <source>已超期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="370" />
        <source> 等{0}项</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="375" />
        <source>预警：{0}将于 {1} 届满，还剩 {2} 天。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="380" />
        <source>（部分期限所在年度的节假日安排尚未公布，届满日为暂定）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="399" />
        <source>案号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="400" />
        <source>立案日期</source>
        <translation>Filed on</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="401" />
        <source>收案日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="402" />
        <source>分案日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="403" />
        <source>申请执行标的</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="403" />
        <location filename="../../ui/case_workspace.py" line="404" />
        <location filename="../../ui/case_workspace.py" line="405" />
        <source> 元</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="404" />
        <source>已到位</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="405" />
        <source>尚未执行</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="406" />
        <source>执行期限届满</source>
        <translation>Limit due</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="406" />
        <source>（暂定）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="408" />
        <source>最近到期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="409" />
        <source>最早终本日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="410" />
        <source>终本条件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="410" />
        <source>已具备</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="410" />
        <source>尚未具备</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="411" />
        <source>须出具</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="411" />
        <source>不需要</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="412" />
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="428" />
        <source>作出机构</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="428" />
        <source>文书名称</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="429" />
        <source>文号</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="429" />
        <source>生效日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="430" />
        <source>申请执行日期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="430" />
        <source>案由</source>
        <translation>Cause</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="431" />
        <source>主文/确定的义务</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="433" />
        <source>尚未登记执行依据。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="458" />
        <source>申请执行标的 {0} 元；已到账 {1} 元；已发放 {2} 元；尚未执行 {3} 元。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="464" />
        <source>是（节假日安排未公布）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="469" />
        <source>期限由系统依据节点记录计算，不能手工修改；今天是{0}。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="471" />
        <source>尚未计算期限（期限计算模块未运行或本案没有适用的期限）。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="473" />
        <source>（进行中）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="524" />
        <location filename="../../ui/case_workspace.py" line="527" />
        <source>更正节点</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="524" />
        <source>请先在表格中选择要更正的节点。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="527" />
        <source>该节点已被更正过，请更正最新的记录。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="540" />
        <location filename="../../ui/case_workspace.py" line="542" />
        <source>核实线索</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="540" />
        <source>请先选择要核实的线索。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="552" />
        <location filename="../../ui/case_workspace.py" line="554" />
        <source>结束扣除期间</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="552" />
        <source>请先选择扣除期间。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="564" />
        <location filename="../../ui/case_workspace.py" line="571" />
        <location filename="../../ui/case_workspace.py" line="577" />
        <source>另存文书</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="564" />
        <source>请先选择文书。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="571" />
        <source>PDF 文件 (*.pdf)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ChecklistPage</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="79" />
        <source>申请豁免所选条件…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="82" />
        <source>拟作出裁定日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="95" />
        <source>终本条件核查模块不可用。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="110" />
        <source>（提示）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="124" />
        <source>去记录</source>
        <translation>Record it</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="129" />
        <source>终本条件已全部具备，可以起草终本裁定。最早可作出裁定的日期：{0}。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="133" />
        <source>尚有 {0} 项条件未满足（见红色各项），补录后再起草。最早可作出裁定的日期：{1}。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="141" />
        <location filename="../../ui/zhongben_wizard.py" line="146" />
        <location filename="../../ui/zhongben_wizard.py" line="158" />
        <source>豁免</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="141" />
        <source>请先选择要豁免的条件。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="146" />
        <source>“{0}”是法定条件，不能豁免。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="148" />
        <source>豁免终本条件：{0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="149" />
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
        <location filename="../../ui/dashboard.py" line="109" />
        <source>正在计算…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="122" />
        <source>统计失败：{0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="131" />
        <source>未结案件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="131" />
        <source>超期案件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="132" />
        <source>10日内到期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="132" />
        <source>本年已结</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="137" />
        <source>未结 {0} 件，其中超期 {1} 件、10日内到期 {2} 件；本年已结 {3} 件。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="140" />
        <source>各承办人超期与预警案件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="141" />
        <source>超期</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="142" />
        <source>预警</source>
        <translation>Warning</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="143" />
        <source>未结案件按立案时长</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="144" />
        <source>件数</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="148" />
        <source>质效指标与目标（%）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="149" />
        <source>实际</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="150" />
        <source>目标</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="152" />
        <source>各承办人未结案件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="153" />
        <source>未结</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="160" />
        <location filename="../../ui/dashboard.py" line="169" />
        <location filename="../../ui/dashboard.py" line="172" />
        <source>导出 Excel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="161" />
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="172" />
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
        <location filename="../../ui/zhongben_wizard.py" line="318" />
        <source>裁定书原本</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="319" />
        <source>公开版（隐去身份证号、住址等）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="339" />
        <source>裁定日期：{0}。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="341" />
        <source>尚不能出具：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="343" />
        <source>还需审批：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="345" />
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
        <location filename="../../ui/explanations.py" line="57" />
        <source>我的案件</source>
        <translation>My cases</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="58" />
        <source>全院</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="65" />
        <source>批量打印全部书面说明…</source>
        <translation>Print all explanations…</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="78" />
        <source>保存说明</source>
        <translation>Save explanation</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="81" />
        <source>出具并打印…</source>
        <translation>Issue and print…</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="83" />
        <source>打开案件</source>
        <translation>Open case</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="91" />
        <source>书面说明</source>
        <translation>Written explanations</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="94" />
        <source>超期原因：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="95" />
        <source>原因说明：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="96" />
        <source>下一步措施：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="97" />
        <source>计划结案日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="98" />
        <source>计划结案方式：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="99" />
        <source>执行局长意见：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="114" />
        <source>范围：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="149" />
        <source>书面说明的保存与出具（文书模块）尚未安装：可以查看须出具说明的案件，暂不能保存。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="168" />
        <source>共 {0} 件</source>
        <translation>{0} cases</translation>
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="191" />
        <source>请在左侧选择案件。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="193" />
        <source>{0}　{1}　超期 {2} 天</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="206" />
        <source>状态：{0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="206" />
        <source>状态：尚未填写</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="231" />
        <source>状态：已保存草稿</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="277" />
        <source>批量打印</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="279" />
        <source>批量生成书面说明</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/explanations.py" line="288" />
        <source>{0}（第{1}版）</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>FirstStartDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="582" />
        <source>欢迎使用 ExecDesk</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="584" />
        <source>数据库中还没有案件。

可以先载入演示数据（虚构的法院、账号和案件，不会同步到省平台）熟悉操作，也可以直接设置本院信息并创建自己的账号。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="588" />
        <source>载入演示数据</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="591" />
        <source>设置本院并创建账号</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="593" />
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
        <location filename="../../ui/zhongben_wizard.py" line="479" />
        <source>出具后裁定书和公开版作为不可修改的版本保存（含 SHA-256 校验值），并记入操作记录。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="482" />
        <source>出具终本裁定书</source>
        <translation>Issue ruling</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="485" />
        <source>打印原本…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="487" />
        <source>保存原本…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="489" />
        <source>保存公开版…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="491" />
        <source>打印公开版…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="522" />
        <source>已出具第{0}版。SHA-256：{1}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="37" />
        <source>ExecDesk 执行办案桌面端 — {0}（{1}）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="50" />
        <source>案件</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="81" />
        <location filename="../../ui/main_window.py" line="219" />
        <source>书面说明</source>
        <translation>Written explanations</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="82" />
        <location filename="../../ui/main_window.py" line="220" />
        <source>督办与预警</source>
        <translation>Supervision &amp; warnings</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="83" />
        <location filename="../../ui/main_window.py" line="221" />
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="84" />
        <location filename="../../ui/main_window.py" line="222" />
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="203" />
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="204" />
        <source>新建案件</source>
        <translation>New case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="205" />
        <source>补录案件</source>
        <translation>Enter backlog case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="207" />
        <location filename="../../ui/main_window.py" line="374" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="208" />
        <source>打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="210" />
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="211" />
        <source>案件(&amp;C)</source>
        <translation>&amp;Case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="212" />
        <source>查找案件</source>
        <translation>Find case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="213" />
        <source>打开所选案件</source>
        <translation>Open selected case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="214" />
        <source>终本助手</source>
        <translation>Zhongben assistant</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="215" />
        <source>关闭当前案件</source>
        <translation>Close case</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="217" />
        <source>工作(&amp;W)</source>
        <translation>&amp;Work</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="218" />
        <source>案件列表</source>
        <translation>Case list</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="223" />
        <source>同步(&amp;S)</source>
        <translation>&amp;Sync</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="224" />
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="225" />
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="226" />
        <source>日志文件位置</source>
        <translation>Log file location</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="227" />
        <source>关于</source>
        <translation>About</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="265" />
        <source>日志文件</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="265" />
        <source>日志文件位于：
{0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="270" />
        <source>关于 ExecDesk</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="271" />
        <source>ExecDesk 执行办案桌面端 {0}
数据库：{1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="283" />
        <source>当前用户：{0}</source>
        <translation>User: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="305" />
        <source>离线（未设置省平台地址）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="308" />
        <source>在线</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="310" />
        <source>离线</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="312" />
        <source>成功</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="312" />
        <source>失败</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="312" />
        <source>已取消</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="313" />
        <source>进行中</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="314" />
        <source>　上次同步：{0} {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="316" />
        <source>　尚未同步</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="318" />
        <source>待上传 {0} 条</source>
        <translation>{0} changes to upload</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="320" />
        <source>，{0} 条需处理</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="322" />
        <source>今日预警 {0} 件　超期 {1} 件</source>
        <translation>Warnings today: {0}   Overdue: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="369" />
        <source>有未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="370" />
        <source>{0} 有未保存的修改。是否保存？</source>
        <translation>{0} has unsaved changes. Save them?</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="375" />
        <source>不保存</source>
        <translation>Don't save</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="376" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>NodeDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="338" />
        <source>更正流程节点</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="338" />
        <source>记录流程节点</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="360" />
        <source>节点：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="361" />
        <source>启动日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="362" />
        <source>完成日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="363" />
        <source>状态：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="364" />
        <source>处理人：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="365" />
        <source>文书文号：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="366" />
        <source>业务描述/结果：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="368" />
        <source>更正原因：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="369" />
        <source>节点信息</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="374" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="375" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="381" />
        <source>更正不会覆盖原记录：原节点标记为“已更正”，并保存一条新的节点记录。</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>OverviewForm</name>
    <message>
        <location filename="../../ui/case_workspace.py" line="80" />
        <location filename="../../ui/case_workspace.py" line="84" />
        <source>（未指定）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="94" />
        <source>保存修改（Ctrl+S）</source>
        <translation>Save changes (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="96" />
        <source>放弃修改</source>
        <translation>Discard changes</translation>
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="98" />
        <source>案由：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="99" />
        <source>申请执行标的（元）：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="100" />
        <source>承办人：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="101" />
        <source>分案日期：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="102" />
        <source>书记员：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="106" />
        <source>标记：</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/case_workspace.py" line="107" />
        <source>备注：</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PdfPreviewDialog</name>
    <message>
        <location filename="../../ui/pdf_view.py" line="155" />
        <source>打印…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="157" />
        <source>另存为…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="159" />
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="174" />
        <source>另存为</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="174" />
        <source>PDF 文件 (*.pdf)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PdfView</name>
    <message>
        <location filename="../../ui/pdf_view.py" line="64" />
        <source>用系统 PDF 阅读器打开</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="85" />
        <source>无法在程序内预览：{0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/pdf_view.py" line="88" />
        <source>共 {0} 页</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="537" />
        <source>ExecDesk 执行办案桌面端 — 登录</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="549" />
        <source>本地账号：</source>
        <translation>Local profile:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="550" />
        <source>密码：</source>
        <translation>Password:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="552" />
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="553" />
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="557" />
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
    <name>ZhongbenWizard</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="238" />
        <source>终本助手 — {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="247" />
        <source>上一步</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="249" />
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="252" />
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
        <location filename="../../ui/zhongben_wizard.py" line="557" />
        <location filename="../../ui/zhongben_wizard.py" line="564" />
        <source>保存 PDF</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="557" />
        <source>PDF 文件 (*.pdf)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>wizard</name>
    <message>
        <location filename="../../ui/zhongben_wizard.py" line="540" />
        <source>终本裁定的起草、审批和出具功能（文书模块）未安装，本步骤不可用。</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>