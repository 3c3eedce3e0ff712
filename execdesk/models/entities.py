"""The local store: SQLAlchemy 2.0 typed models (DESIGN.md §2, DOMAIN.md §4.2–4.3).

Conventions: money is integer fen (``*_fen``); dates are ``date``; timestamps are UTC-aware; every synced
row has a UUID text key and a ``version`` counter (``SyncedMixin``). Node data is append-only: a correction
is a new node row that points at the one it corrects (``corrects_id``), so history is never overwritten.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from execdesk.models.base import Base, SyncedMixin, new_id, utcnow

# ---------------------------------------------------------------- organisation


class Court(SyncedMixin, Base):
    __tablename__ = "courts"
    code: Mapped[str] = mapped_column(String(16), unique=True)  # 法院代字, e.g. 鲁0102
    name: Mapped[str] = mapped_column(String(64))  # 济南市历下区人民法院
    province: Mapped[str] = mapped_column(String(8), default="鲁")
    approval_route: Mapped[str] = mapped_column(String(32), default="院长审签")  # see rules/approval data
    # Where approvers decide (issue 13 item 4): platform (each on their own PC, through the platform),
    # same_pc (the approver types their password on the 承办人's PC), both.
    approval_mode: Mapped[str] = mapped_column(String(8), default="both")


class User(SyncedMixin, Base):
    """A local profile. Roles: 承办人 / 书记员 / 执行局长 / 副院长 / 院长 / 审判员."""

    __tablename__ = "users"
    court_id: Mapped[str] = mapped_column(ForeignKey("courts.id"))
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(16))  # 审判员 / 执行员 / 审判长 … for signer blocks
    password_hash: Mapped[str | None] = mapped_column(String(256))  # scrypt; never the password
    active: Mapped[bool] = mapped_column(default=True)


# ---------------------------------------------------------------- cases


class Case(SyncedMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("amount_claimed_fen >= 0", name="amount_nonneg"),
        Index("ix_cases_handler_status_filed", "handler_id", "status", "filed_on"),  # 我的案件, newest first
        Index("ix_cases_status_filed", "status", "filed_on"),  # the list's default order
        Index("ix_cases_filed", "filed_on"),  # 全部案件, newest first
        Index("ix_cases_limit_due", "status", "limit_due_on"),
        Index("ix_cases_clerk_status_filed", "clerk_id", "status", "filed_on"),  # a 书记员's 我的案件
    )
    court_id: Mapped[str] = mapped_column(ForeignKey("courts.id"))
    case_number: Mapped[str] = mapped_column(String(40), unique=True)  # canonical full-width 案号
    year: Mapped[int]
    court_code: Mapped[str] = mapped_column(String(16))
    type_code: Mapped[str] = mapped_column(String(8))
    serial: Mapped[int]
    received_on: Mapped[date | None]  # 收案日期
    filed_on: Mapped[date]  # 立案日期
    assigned_on: Mapped[date | None]  # 分案日期 / 承办人签收
    handler_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    clerk_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    cause: Mapped[str] = mapped_column(String(64))  # 案由
    amount_claimed_fen: Mapped[int] = mapped_column(default=0)  # 申请执行标的
    is_livelihood: Mapped[bool] = mapped_column(default=False)  # 涉民生
    is_non_litigation: Mapped[bool] = mapped_column(default=False)  # 非诉执行: 3-month limit
    debtor_missing: Mapped[bool] = mapped_column(default=False)  # 被执行人下落不明
    obstruction: Mapped[bool] = mapped_column(default=False)  # 妨碍执行
    applicant_requested_zhongben: Mapped[bool] = mapped_column(default=False)
    origin_case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"))  # 执恢 → original case
    status: Mapped[str] = mapped_column(String(8), default="未结")  # 未结 / 已结
    closure_method: Mapped[str | None] = mapped_column(String(16))  # 结案方式
    closed_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)
    # Earlier 案号 of this case after a correction ("、"-joined, oldest first): kept, shown and searchable.
    former_numbers: Mapped[str | None] = mapped_column(Text)
    # Normalised text for search: 案号, party names, ID numbers / credit codes (maintained by services).
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Computed by the deadline engine in the same transaction as the change (never typed by a person).
    limit_due_on: Mapped[date | None]  # 执行期限届满日 net of deductions and extensions
    next_due_on: Mapped[date | None]  # the earliest open deadline of any kind
    warning_level: Mapped[int] = mapped_column(default=0)  # 0 none, 10 = T−10, 5 = T−5, -1 overdue
    overdue_days: Mapped[int] = mapped_column(default=0)
    explanation_owed: Mapped[bool] = mapped_column(default=False)
    zhongben_earliest_on: Mapped[date | None]
    zhongben_ready: Mapped[bool] = mapped_column(default=False)
    deadlines_provisional: Mapped[bool] = mapped_column(default=False)

    parties: Mapped[list[Party]] = relationship(back_populates="case", order_by="Party.seq",
                                                cascade="all, delete-orphan")
    basis: Mapped[ExecutionBasis | None] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                        uselist=False)
    nodes: Mapped[list[Node]] = relationship(back_populates="case", order_by="Node.seq",
                                             cascade="all, delete-orphan")
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    clerk: Mapped[User | None] = relationship(foreign_keys=[clerk_id])
    court: Mapped[Court] = relationship()


class Party(SyncedMixin, Base):
    __tablename__ = "parties"
    # Covering index: the case list reads a page's party names from the index alone.
    __table_args__ = (Index("ix_parties_list", "case_id", "seq", "role", "name"),)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(default=1)
    role: Mapped[str] = mapped_column(String(8))  # 申请执行人 / 被执行人 / 委托代理人
    kind: Mapped[str] = mapped_column(String(8))  # 自然人 / 法人 / 非法人组织
    name: Mapped[str] = mapped_column(String(128))
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)  # 身份证 or 统一社会信用代码
    sex: Mapped[str | None] = mapped_column(String(2))
    birth_date: Mapped[date | None]
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(256))
    phone: Mapped[str | None] = mapped_column(String(32))
    legal_rep: Mapped[str | None] = mapped_column(String(32))  # 法定代表人 / 负责人
    legal_rep_title: Mapped[str | None] = mapped_column(String(32))
    represents_party_id: Mapped[str | None] = mapped_column(String(36))  # for 委托代理人
    deceased: Mapped[bool] = mapped_column(default=False)
    case: Mapped[Case] = relationship(back_populates="parties")


class ExecutionBasis(SyncedMixin, Base):
    """执行依据: the effective document being enforced."""

    __tablename__ = "execution_bases"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    issuing_body: Mapped[str] = mapped_column(String(64))  # 作出机构, e.g. 本院 / 济南仲裁委员会
    document_type: Mapped[str] = mapped_column(String(32))  # 民事判决书 / 民事调解书 / 仲裁裁决书 …
    document_number: Mapped[str] = mapped_column(String(64))  # 文号
    effective_on: Mapped[date | None]
    cause: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[str | None] = mapped_column(Text)  # 主文 / 确定的义务
    applied_on: Mapped[date | None]  # 申请执行日期
    case: Mapped[Case] = relationship(back_populates="basis")


class Node(SyncedMixin, Base):
    """流程节点 (DOMAIN.md §4.2, R35): one process event, keyed by a catalogue code N01–N28."""

    __tablename__ = "nodes"
    __table_args__ = (Index("ix_nodes_case_code", "case_id", "code"),)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))  # 编号_流程节点编号
    seq: Mapped[int]  # 序号 within the case
    name: Mapped[str] = mapped_column(String(32))  # 节点名称 (from the catalogue at record time)
    started_on: Mapped[date | None]  # 启动日期
    due_on: Mapped[date | None]  # 届满日期
    ended_on: Mapped[date | None]  # 结束日期
    status: Mapped[str] = mapped_column(String(8), default="已完成")  # 进行中 / 已完成 / 已更正
    handler_name: Mapped[str | None] = mapped_column(String(32))  # 处理人
    limit_days: Mapped[int | None]  # 期限
    actual_days: Mapped[int | None]  # 实际完成天数
    linked_entity: Mapped[str | None] = mapped_column(String(32))  # 对应业务 table
    linked_id: Mapped[str | None] = mapped_column(String(36))  # 对应业务序号
    description: Mapped[str | None] = mapped_column(Text)  # 业务描述 / result
    document_number: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # catalogue-driven form fields
    corrects_id: Mapped[str | None] = mapped_column(String(36))  # the node this row corrects
    case: Mapped[Case] = relationship(back_populates="nodes")


class PropertyLead(SyncedMixin, Base):
    """执行线索: a lead given by the applicant or others; verified within 7 d (urgent 3 d), R24."""

    __tablename__ = "property_leads"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)
    given_on: Mapped[date]
    urgent: Mapped[bool] = mapped_column(default=False)
    verified_on: Mapped[date | None]
    result: Mapped[str | None] = mapped_column(Text)


class PropertyInquiry(SyncedMixin, Base):
    """财产查控: a network (网络查控, 总对总/点对点) or traditional (传统查控/实地调查) inquiry."""

    __tablename__ = "property_inquiries"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    method: Mapped[str] = mapped_column(String(8))  # 网络查控 / 传统查控
    scopes: Mapped[list] = mapped_column(JSON, default=list)  # 商业银行, 证券, 互联网银行, 车辆, 不动产, 工商, 人行, …
    queried_on: Mapped[date]
    feedback_on: Mapped[date | None]
    result: Mapped[str | None] = mapped_column(Text)
    found_property: Mapped[bool] = mapped_column(default=False)
    node_id: Mapped[str | None] = mapped_column(String(36), index=True)  # the N06/N07 node it is (issue 11)


class FoundAsset(SyncedMixin, Base):
    """已查明财产 (R5 / §1.9 check 6; 终本规定 art 4). Created by the 查封/扣押/冻结 that controls it (node N11)
    or typed directly; its evaluation and disposal attempts are the N12/N13 nodes that name it (``asset_id``).

    ``cannot_dispose_reason`` is a value of the closed list ``cannot_dispose_reasons`` (vocabularies.toml) and
    ``not_executable_reason`` the written detail. ``disposal_state`` and ``disposed`` are derived from the
    asset's events and payments by rules/disposal.py and refreshed by the write pipeline (never typed)."""

    __tablename__ = "found_assets"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    kind: Mapped[str] = mapped_column(String(16))  # asset_kinds: 存款 / 车辆 / 不动产 / 股权 / …
    description: Mapped[str] = mapped_column(Text)
    value_fen: Mapped[int] = mapped_column(default=0)
    not_executable_reason: Mapped[str | None] = mapped_column(Text)
    cannot_dispose_reason: Mapped[str | None] = mapped_column(String(32))
    node_id: Mapped[str | None] = mapped_column(String(36), index=True)  # the N11 node that found it
    measure_id: Mapped[str | None] = mapped_column(String(36))  # its 查封/扣押/冻结
    disposal_state: Mapped[str] = mapped_column(String(16), default="未处置")  # derived
    disposed: Mapped[bool] = mapped_column(default=False)  # derived: sold, transferred or taken in payment


class Measure(SyncedMixin, Base):
    """执行措施 and 强制措施: 限制消费, 失信, 查封/扣押/冻结, 罚款, 拘留, 查找, 搜查, 悬赏, 审计 …"""

    __tablename__ = "measures"
    __table_args__ = (Index("ix_measures_expiry", "kind", "expires_on"),)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    kind: Mapped[str] = mapped_column(String(16))
    asset_kind: Mapped[str | None] = mapped_column(String(16))  # 存款 / 动产 / 不动产 (seal maxima, R26)
    started_on: Mapped[date]
    expires_on: Mapped[date | None]  # 届满日期 for seals/freezes
    released_on: Mapped[date | None]
    document_number: Mapped[str | None] = mapped_column(String(64))
    amount_fen: Mapped[int] = mapped_column(default=0)
    description: Mapped[str | None] = mapped_column(Text)
    not_applicable_reason: Mapped[str | None] = mapped_column(Text)  # e.g. 失信 "不符合条件" with reason
    node_id: Mapped[str | None] = mapped_column(String(36), index=True)  # the node it is (issue 11)


class Payment(SyncedMixin, Base):
    """执行款: money received (到账) and paid out (发放), integer fen."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # 到账 / 发放
    amount_fen: Mapped[int]
    paid_on: Mapped[date]
    route: Mapped[str | None] = mapped_column(String(32))  # payment_routes: 划拨 / 自动履行 / 拍卖款 / …
    description: Mapped[str | None] = mapped_column(Text)
    # Append-only corrections (like nodes): a wrong entry is marked 已冲正 with the reason and stays; a corrected
    # amount is a new row pointing at it. Only 有效 rows count towards 到账/发放.
    status: Mapped[str] = mapped_column(String(8), default="有效", server_default="有效")  # 有效 / 已冲正
    reason: Mapped[str | None] = mapped_column(Text)  # why it was reversed / corrected
    corrects_id: Mapped[str | None] = mapped_column(String(36))
    node_id: Mapped[str | None] = mapped_column(String(36), index=True)  # the N14/N15 node it is (issue 11)
    asset_id: Mapped[str | None] = mapped_column(String(36))  # the found asset the money came from


class Interview(SyncedMixin, Base):
    """约谈 (DOMAIN.md §1.5, R8; data standard table 约谈): recorded as node N22, one row per 约谈."""

    __tablename__ = "interviews"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[str | None] = mapped_column(String(36), index=True)
    held_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(8))  # interview_methods
    place: Mapped[str | None] = mapped_column(String(128))
    attendees: Mapped[str | None] = mapped_column(String(256))
    agreed: Mapped[str | None] = mapped_column(String(4))  # 是否同意终本: 是 / 否
    leads_deadline_days: Mapped[int | None]  # 提供线索期限


class Deduction(SyncedMixin, Base):
    """扣除执行期限记录 (R17): a period not counted in the execution limit."""

    __tablename__ = "deductions"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # 公告 / 鉴定 / 审计 / 评估 / 中止 / 暂缓 / 拍卖 / 变卖 …
    started_on: Mapped[date]
    ended_on: Mapped[date | None]  # open while the period is running
    document_number: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)


class Extension(SyncedMixin, Base):
    """延长执行期限记录 (R18)."""

    __tablename__ = "extensions"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    applied_on: Mapped[date]
    approver: Mapped[str] = mapped_column(String(32))  # 批准人 (院长 / 副院长)
    approving_body: Mapped[str | None] = mapped_column(String(64))  # 批准机关
    approved_on: Mapped[date]
    months: Mapped[int]
    high_court_filed: Mapped[bool] = mapped_column(default=False)  # 层报高院备案
    document_number: Mapped[str | None] = mapped_column(String(64))


class Deadline(Base):
    """A computed deadline of a case with its legal basis (derived data; rebuilt by the deadline engine)."""

    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_case", "case_id"), Index("ix_deadlines_due", "status", "due_on"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # e.g. 执行期限, N07, 终本最早日, 查封届满:<id>
    label: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[date]
    warn_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(8))  # 未到期 / 预警 / 已超期 / 已完成
    basis: Mapped[str] = mapped_column(Text)  # legal basis, citable
    provisional: Mapped[bool] = mapped_column(default=False)  # holiday schedule not known for that year
    rolled_from: Mapped[date | None]  # nominal last day before holiday roll-over


# ---------------------------------------------------------------- 终本, approvals, documents


class Approval(SyncedMixin, Base):
    """One step of an approval route (院长审签, 合议庭, 申请人确认 …) for a ruling or an explanation."""

    __tablename__ = "approvals"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(16))  # 终本裁定 / 书面说明 / 条件豁免
    route: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(16))  # 合议庭 / 执行局长 / 院长 / 申请人确认
    approver_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    approver_name: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(8))  # 同意 / 不同意
    opinion: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    draft_sha256: Mapped[str | None] = mapped_column(String(64))  # what exactly was approved
    # A decision made on the approver's own PC and relayed by the platform (issue 13 item 4): the request it
    # answers, the approver as a person ref ("<court_code>/<username>"), the approver's device, and the
    # platform's decision id (unique: a 审批结果 pulled twice is written once).
    request_id: Mapped[str | None] = mapped_column(String(36))
    approver_ref: Mapped[str | None] = mapped_column(String(80))
    device_id: Mapped[str | None] = mapped_column(String(64))
    decision_id: Mapped[str | None] = mapped_column(String(36), unique=True)


class ApprovalRequest(Base):
    """A draft submitted for approval on the approvers' own PCs (issue 13 item 4), kept on the 承办人's PC:
    the exact text sent (``draft``), its SHA-256, the readiness checklist and the route's steps with their
    approvers (person refs). ``state``: 待审批 / 已同意 / 已退回 / 已替换 (a changed draft was resubmitted)."""

    __tablename__ = "approval_requests"
    __table_args__ = (Index("ix_approval_requests_case", "case_id", "subject", "state"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(16))  # 终本裁定 / 书面说明 / 延长执行期限
    draft_sha256: Mapped[str] = mapped_column(String(64))
    ruling_date: Mapped[date | None]
    draft: Mapped[dict] = mapped_column(JSON)
    checklist: Mapped[list] = mapped_column(JSON, default=list)
    steps: Mapped[list] = mapped_column(JSON)
    panel: Mapped[list] = mapped_column(JSON, default=list)
    supersedes: Mapped[str | None] = mapped_column(String(36))
    requester_ref: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(8), default="待审批")
    change_id: Mapped[str | None] = mapped_column(String(36))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)  # last thing the platform said (a refusal, a return reason)


class ApprovalInboxItem(Base):
    """A request waiting on this PC's approver (from a 审批请求 feed item). The case need not be on this PC:
    everything the approver reads (text, checklist) travels in the request. ``state``: 待审批 / 已提交 (the
    decision is queued or sent) / 已确认 (the platform accepted it) / 已作废 (refused: the draft was changed)."""

    __tablename__ = "approval_inbox"
    __table_args__ = (UniqueConstraint("request_id", "step", name="uq_approval_inbox_step"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the feed item's id
    request_id: Mapped[str] = mapped_column(String(36))
    step: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(80))
    case_id: Mapped[str] = mapped_column(String(36))
    case_number: Mapped[str | None] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(16))
    draft_sha256: Mapped[str] = mapped_column(String(64))
    request: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(8), default="待审批")
    decision: Mapped[str | None] = mapped_column(String(8))
    opinion: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None]
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decision_change_id: Mapped[str | None] = mapped_column(String(36))
    note: Mapped[str | None] = mapped_column(Text)


class Explanation(SyncedMixin, Base):
    """书面说明 for an overdue case (R36, DOMAIN.md §2.6): reasons and plan typed by the handler."""

    __tablename__ = "explanations"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # enumerated codes
    reason_text: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    planned_close_on: Mapped[date | None]
    planned_method: Mapped[str | None] = mapped_column(String(16))
    director_opinion: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="草稿")  # 草稿 / 已出具


class IssuedDocument(Base):
    """An issued PDF. Immutable: re-issuing inserts a new version; rows are never updated or deleted."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("case_id", "kind", "version_no", name="case_kind_version"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # 终本裁定书 / 终本裁定书公开版 / 书面说明 / 书面说明汇总
    version_no: Mapped[int]
    document_date: Mapped[date]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    issued_by: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)


# ---------------------------------------------------------------- audit and sync


class AuditEntry(Base):
    """Who changed what, when, with the row before and after. Written in the same transaction."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))  # 新建 / 修改 / 更正 / 出具 / 审批 / 导入 / …
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    case_id: Mapped[str | None] = mapped_column(String(36))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    change_id: Mapped[str | None] = mapped_column(String(36))  # the outbox change written with it


class OutboxEntry(Base):
    """Transactional outbox (DESIGN.md §5): written with the change, retired only after the platform's
    answer is stored. ``local_seq`` is the causal order; ``change_id`` is the idempotency key."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_seq", "state", "local_seq"), Index("ix_outbox_case", "case_id"))
    local_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    case_id: Mapped[str | None] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(8))  # upsert / delete
    base_version: Mapped[int | None]  # the version the change was made on (None: new row)
    payload: Mapped[dict] = mapped_column(JSON)
    schema_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # pending → done | quarantined (rejected) | conflict; done rows keep the server's answer.
    state: Mapped[str] = mapped_column(String(12), default="pending")
    server_seq: Mapped[int | None]
    result: Mapped[dict | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]


class SyncState(Base):
    """Key/value state of the sync client: pull cursor, device id, database id. Never secrets."""

    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncRun(Base):
    __tablename__ = "sync_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(12), default="running")  # running / ok / failed / cancelled
    pushed: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    conflicts: Mapped[int] = mapped_column(default=0)
    pulled: Mapped[int] = mapped_column(default=0)
    bytes_sent: Mapped[int] = mapped_column(default=0)
    bytes_received: Mapped[int] = mapped_column(default=0)
    clock_skew_s: Mapped[float | None]
    message: Mapped[str | None] = mapped_column(Text)


class SupervisionItem(Base):
    """督办 / 预警 / correction received from the provincial platform (pulled feed)."""

    __tablename__ = "supervision_items"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the platform's id
    server_seq: Mapped[int] = mapped_column(unique=True)
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    case_number: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))  # 督办 / 预警 / 更正 / 节假日 / 规则
    title: Mapped[str] = mapped_column(String(128))
    body: Mapped[str | None] = mapped_column(Text)
    issued_by: Mapped[str | None] = mapped_column(String(64))
    due_on: Mapped[date | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(8), default="未读")  # 未读 / 已读 / 已回复
    payload: Mapped[dict] = mapped_column(JSON, default=dict)


SYNCED_ENTITIES: dict[str, type[Base]] = {
    "case": Case,
    "party": Party,
    "execution_basis": ExecutionBasis,
    "node": Node,
    "property_lead": PropertyLead,
    "property_inquiry": PropertyInquiry,
    "found_asset": FoundAsset,
    "measure": Measure,
    "payment": Payment,
    "interview": Interview,
    "deduction": Deduction,
    "extension": Extension,
    "approval": Approval,
    "explanation": Explanation,
}
ENTITY_NAMES: dict[type[Base], str] = {cls: name for name, cls in SYNCED_ENTITIES.items()}
