"""Realistic demo data, fast: a bulk path straight to SQLite (PLATFORM.md: ORM add_all is 28× slower).

Demo rows are fiction for training and benchmarks. They are audited as one bulk entry and are not put in
the outbox: demo cases must never be pushed to the provincial platform.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from execdesk.models import Court, User
from execdesk.models.base import new_id
from execdesk.models.database import Store
from execdesk.rules.identity import make_credit_code, make_resident_id
from execdesk.services.accounts import hash_password
from execdesk.services.context import Actor
from execdesk.services.node_catalogue import node_catalogue

DEMO_COURT = ("鲁0102", "济南市历下区人民法院")
DEMO_PASSWORD = "execdesk-demo"  # documented in README; demo profiles only
DEMO_USERS = [  # username, name, role, title
    ("zhangwei", "张伟", "承办人", "审判员"),
    ("lina", "李娜", "承办人", "执行员"),
    ("wangqiang", "王强", "承办人", "审判员"),
    ("liuyang", "刘洋", "书记员", None),
    ("chenjing", "陈静", "书记员", None),
    ("zhaolei", "赵磊", "执行局长", "审判员"),
    ("sunli", "孙立", "院长", None),
    ("zhoumin", "周敏", "审判员", "审判员"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯鑫婷雪梅琳晨阳"
COMPANY_WORDS = ["鲁信", "泉城", "齐鲁", "华泰", "海岱", "明湖", "舜耕", "趵突", "千佛", "历山", "恒通", "瑞丰", "鑫源", "宏达"]
COMPANY_KINDS = ["商贸有限公司", "建筑工程有限公司", "机械设备有限公司", "房地产开发有限公司", "餐饮管理有限公司",
                 "物流有限公司", "科技有限公司"]
CAUSES = ["民间借贷纠纷", "买卖合同纠纷", "金融借款合同纠纷", "劳动争议", "追索劳动报酬纠纷", "机动车交通事故责任纠纷",
          "房屋租赁合同纠纷", "建设工程施工合同纠纷", "信用卡纠纷", "抚养费纠纷", "服务合同纠纷"]
LIVELIHOOD_CAUSES = {"劳动争议", "追索劳动报酬纠纷", "机动车交通事故责任纠纷", "抚养费纠纷"}
STREETS = ["经十路", "解放路", "泉城路", "和平路", "文化东路", "山大路", "历山路", "花园路", "二环东路", "燕子山路"]
REGIONS = ["370102", "370103", "370104", "370105", "370112"]  # 济南 districts; codes valid for births from 1987
NETWORK_SCOPES = ["商业银行", "证券", "互联网银行", "车辆", "不动产", "工商", "人行"]

# The node path of a typical 终本 case, in order, with typical days after filing.
PATH = [("N03", 0), ("N04", 3), ("N05", 3), ("N06", 4), ("N06", 6), ("N07", 12), ("N07", 18), ("N08", 20),
        ("N09", 25), ("N10", 28), ("N11", 30), ("N07", 35), ("N06", 40), ("N16", 45), ("N17", 50), ("N07", 55),
        ("N06", 60), ("N14", 62), ("N15", 64), ("N07", 70), ("N06", 75), ("N12", 78), ("N13", 85),
        ("N07", 90), ("N06", 96), ("N22", 100), ("N23", 104), ("N24", 108), ("N25", 112), ("N27", 113)]


def _columns(table: str, cols: str) -> tuple[str, list[str]]:
    names = [c.strip() for c in cols.split(",")]
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", names


CASE_SQL = _columns("cases", "id, version, created_at, updated_at, court_id, case_number, year, court_code, type_code, "
                             "serial, received_on, filed_on, assigned_on, handler_id, clerk_id, cause, "
                             "amount_claimed_fen, is_livelihood, is_non_litigation, debtor_missing, obstruction, "
                             "applicant_requested_zhongben, status, closure_method, closed_on, search_text, "
                             "warning_level, overdue_days, explanation_owed, zhongben_ready, deadlines_provisional")[0]
PARTY_SQL = _columns("parties", "id, version, created_at, updated_at, case_id, seq, role, kind, name, id_number, sex, "
                                "birth_date, ethnicity, address, phone, legal_rep, legal_rep_title, deceased")[0]
BASIS_SQL = _columns("execution_bases", "id, version, created_at, updated_at, case_id, issuing_body, document_type, "
                                        "document_number, effective_on, cause, content, applied_on")[0]
NODE_SQL = _columns("nodes", "id, version, created_at, updated_at, case_id, code, seq, name, started_on, due_on, "
                             "ended_on, status, handler_name, limit_days, actual_days, description, data, "
                             "linked_entity, linked_id")[0]
INQUIRY_SQL = _columns("property_inquiries", "id, version, created_at, updated_at, case_id, party_id, method, scopes, "
                                             "queried_on, feedback_on, result, found_property, node_id")[0]
MEASURE_SQL = _columns("measures", "id, version, created_at, updated_at, case_id, party_id, kind, asset_kind, "
                                   "started_on, expires_on, released_on, document_number, amount_fen, description, "
                                   "node_id")[0]
PAYMENT_SQL = _columns("payments", "id, version, created_at, updated_at, case_id, kind, amount_fen, paid_on, route, "
                                   "description, node_id, asset_id")[0]
ASSET_SQL = _columns("found_assets", "id, version, created_at, updated_at, case_id, party_id, kind, description, "
                                     "value_fen, not_executable_reason, cannot_dispose_reason, node_id, measure_id, "
                                     "disposal_state, disposed")[0]
INTERVIEW_SQL = _columns("interviews", "id, version, created_at, updated_at, case_id, node_id, held_on, method, place, "
                                       "attendees, agreed, leads_deadline_days")[0]
LEAD_SQL = _columns("property_leads", "id, version, created_at, updated_at, case_id, source, content, given_on, urgent, "
                                      "verified_on, result")[0]
EXTENSION_SQL = _columns("extensions", "id, version, created_at, updated_at, case_id, reason, applied_on, approver, "
                                       "approving_body, approved_on, months, high_court_filed, document_number")[0]
DEDUCTION_SQL = _columns("deductions", "id, version, created_at, updated_at, case_id, kind, started_on, ended_on, "
                                       "document_number, reason")[0]


class _Ids:
    """UUID-shaped ids: a random 20-hex run prefix + a counter. Unique per run, cheap for millions of rows."""

    def __init__(self) -> None:
        self.prefix = new_id().replace("-", "")[:20]
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        h = f"{self.prefix}{self.n:012x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def ensure_demo_organisation(store: Store, actor: Actor) -> tuple[str, dict[str, tuple[str, str]]]:
    """Court and demo profiles (password DEMO_PASSWORD). Returns court id and username → (id, name)."""
    pw = hash_password(DEMO_PASSWORD)
    with store.transaction() as s:
        court = s.scalar(select(Court).where(Court.code == DEMO_COURT[0]))
        if court is None:
            court = Court(code=DEMO_COURT[0], name=DEMO_COURT[1], province="鲁", approval_route="院长审签")
            s.add(court)
            s.flush()
        users = {}
        for username, name, role, title in DEMO_USERS:
            u = s.scalar(select(User).where(User.username == username))
            if u is None:
                u = User(court_id=court.id, username=username, display_name=name, role=role, title=title,
                         password_hash=pw)
                s.add(u)
                s.flush()
            users[username] = (u.id, u.display_name)
        return court.id, users


def generate_demo(store: Store, actor: Actor, cases: int = 200, *, today: date | None = None, seed: int = 20180317,
                  progress: Callable[[int, int], None] | None = None, recompute: bool = True) -> int:
    """Insert ``cases`` demo cases (about 30 nodes each at 100k scale). Returns the number inserted."""
    today = today or date.today()
    court_id, users = ensure_demo_organisation(store, actor)
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    with store.engine.begin() as conn:
        existing = conn.exec_driver_sql(
            "SELECT year, max(serial) FROM cases WHERE court_code=? AND type_code IN ('执', '执恢') GROUP BY year",
            (DEMO_COURT[0],)).all()
        done = 0
        for batch, done in demo_batches(cases, today=today, seed=seed, court_id=court_id, users=users,
                                        serials={y: s for y, s in existing}, now=now):
            _flush(conn, batch)
            if progress:
                progress(done, cases)
        conn.exec_driver_sql(
            "INSERT INTO audit_entries (at, actor, action, entity, entity_id, case_id, after) VALUES (?,?,?,?,?,?,?)",
            (now, actor.username, "生成演示数据", "demo", new_id(), None, f'{{"cases": {cases}}}'))
    if recompute:
        from execdesk.services import derived

        derived.recompute_all(store, today=today)
    return cases


def demo_batches(cases: int, *, today: date, seed: int, court_id: str, users: dict[str, tuple[str, str]],
                 serials: dict[int, int], now: str, batch_nodes: int = 50_000):
    """Yield (rows by table, cases done so far) in batches of about ``batch_nodes`` nodes."""
    rnd = random.Random(seed)
    handlers = [users[u] for u, _, role, _ in DEMO_USERS if role == "承办人"]
    clerks = [users[u] for u, _, role, _ in DEMO_USERS if role == "书记员"]
    catalogue = node_catalogue()
    ids = _Ids()
    batch: dict[str, list[tuple]] = {k: [] for k in ("case", "party", "basis", "node", "inq", "meas", "pay", "ded",
                                                     "lead", "ext", "asset", "interview")}
    for i in range(cases):
        _demo_case(rnd, ids, now, today, court_id, handlers, clerks, catalogue, serials, batch)
        if len(batch["node"]) >= batch_nodes or i == cases - 1:
            yield batch, i + 1
            batch = {k: [] for k in batch}


TABLE_SQL = (("case", CASE_SQL), ("party", PARTY_SQL), ("basis", BASIS_SQL), ("node", NODE_SQL),
             ("inq", INQUIRY_SQL), ("meas", MEASURE_SQL), ("pay", PAYMENT_SQL), ("ded", DEDUCTION_SQL),
             ("lead", LEAD_SQL), ("ext", EXTENSION_SQL), ("asset", ASSET_SQL), ("interview", INTERVIEW_SQL))


def _flush(conn, batch: dict[str, list[tuple]]) -> None:
    for key, sql in TABLE_SQL:
        if batch[key]:
            conn.exec_driver_sql(sql, batch[key])


def _person(rnd: random.Random, today: date) -> tuple[str, str, str, date]:
    name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))
    born = date(rnd.randint(1987, 2004), rnd.randint(1, 12), rnd.randint(1, 28))
    idn = make_resident_id(rnd.choice(REGIONS), born, rnd.randint(1, 999))
    sex = "男" if int(idn[16]) % 2 else "女"
    return name, idn, sex, born


def _company(rnd: random.Random) -> tuple[str, str]:
    name = "济南" + rnd.choice(COMPANY_WORDS) + rnd.choice(COMPANY_WORDS) + rnd.choice(COMPANY_KINDS)
    body = "9137010" + str(rnd.randint(2, 5)) + "".join(rnd.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return name, make_credit_code(body)


def _demo_case(rnd, ids, now, today, court_id, handlers, clerks, catalogue, serials, batch) -> None:
    age = int(rnd.triangular(1, 560, 45))  # days since filing
    filed = today - timedelta(days=age)
    year = filed.year
    serials[year] = serials.get(year, 0) + 1
    type_code = "执恢" if rnd.random() < 0.06 else "执"
    case_number = f"（{year}）{DEMO_COURT[0]}{type_code}{serials[year]}号"
    handler_id, handler_name = rnd.choice(handlers)
    clerk_id, _ = rnd.choice(clerks)
    cause = rnd.choice(CAUSES)
    livelihood = cause in LIVELIHOOD_CAUSES
    amount = rnd.choice((rnd.randint(3_000, 99_000), rnd.randint(100_000, 2_000_000))) * 100
    case_id = ids()
    received = filed - timedelta(days=rnd.randint(0, 5))
    assigned = filed + timedelta(days=rnd.randint(0, 3))
    # Parties: one applicant, one or two debtors.
    parties: list[tuple] = []  # party rows in PARTY_SQL column order
    names = []
    seq = 0
    for role, count in (("申请执行人", 1), ("被执行人", rnd.choice((1, 1, 2)))):
        for _ in range(count):
            seq += 1
            pid = ids()
            addr = f"济南市历下区{rnd.choice(STREETS)}{rnd.randint(1, 300)}号"
            phone = f"13{rnd.randint(0, 9)}{rnd.randint(10_000_000, 99_999_999)}"
            if rnd.random() < 0.7:
                name, idn, sex, born = _person(rnd, today)
                parties.append((pid, 1, now, now, case_id, seq, role, "自然人", name, idn, sex, born.isoformat(), "汉族",
                                addr, phone, None, None, 0))
            else:
                name, idn = _company(rnd)
                rep = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
                parties.append((pid, 1, now, now, case_id, seq, role, "法人", name, idn, None, None, None, addr, phone,
                                rep, "总经理", 0))
            names.append(name)
            names.append(idn)
    debtors = [p for p in parties if p[6] == "被执行人"]
    batch["party"].extend(parties)
    batch["basis"].append((ids(), 1, now, now, case_id, "本院", rnd.choice(("民事判决书", "民事调解书")),
                           f"（{year - 1}）鲁0102民初{rnd.randint(100, 9999)}号",
                           (filed - timedelta(days=rnd.randint(30, 200))).isoformat(), cause,
                           f"被告应向原告支付{amount // 100}元", (received - timedelta(days=1)).isoformat()))
    # Nodes along the path as far as the case's age allows. Every node that evidences a business fact is
    # written with its record and linked both ways, as the write pipeline does (services/records.py), so the
    # demo teaches the same model: 查控 → inquiry, 限消/失信 → measure per debtor, 查封/冻结 → measure + found
    # asset, 评估/拍卖 → that asset's events, 划拨/到账 → payment, 约谈 → interview.
    nodes = batch["node"]
    seq_box = [0]

    def node(code: str, start: date, end: date | None, data: dict | None = None, desc: str | None = None,
             link: tuple[str, str] | None = None) -> str:
        seq_box[0] += 1
        nid = ids()
        nodes.append((nid, 1, now, now, case_id, code, seq_box[0], catalogue[code]["name"], start.isoformat(), None,
                      end.isoformat() if end else None, "已完成" if end else "进行中", handler_name, None,
                      (end - start).days if end else None, desc,
                      json.dumps(data or {}, ensure_ascii=False), link[0] if link else None, link[1] if link else None))
        return nid

    def linked(code: str, start: date, end: date | None, entity: str, data: dict | None = None,
               desc: str | None = None) -> tuple[str, str]:
        rid = ids()
        return node(code, start, end, data, desc, (entity, rid)), rid

    nid, _ = ids(), None
    nodes.append((nid, 1, now, now, case_id, "N01", 1, catalogue["N01"]["name"], received.isoformat(), None,
                  filed.isoformat(), "已完成", handler_name, 7, (filed - received).days, "立案", "{}", None, None))
    nodes.append((ids(), 1, now, now, case_id, "N02", 2, catalogue["N02"]["name"], filed.isoformat(), None,
                  assigned.isoformat(), "已完成", handler_name, 7, (assigned - filed).days, "确定承办人", "{}", None, None))
    seq_box[0] = 2
    closed = None
    closure = None
    interviewed_agreed = rnd.random() < 0.9
    pace = rnd.uniform(0.8, 1.6)
    # About one case in five gets stuck part-way (no property found, no 约谈 yet …) and stays open: with time
    # these become the overdue cases that owe a 书面说明 (R36).
    # Others stop after the 约谈 (N22) or the 合议 (N23): their 终本 ruling is the next step.
    r = rnd.random()
    stall_at = rnd.randint(8, 24) if r < 0.2 else (rnd.choice((26, 27)) if r < 0.3 else len(PATH))
    # What property this case finds (終本规定 art 4 decides what may follow): none; a bank deposit frozen and then
    # transferred; or real estate sealed, evaluated and auctioned — through the whole statutory chain (3 failed
    # auctions, a failed 变卖, 以物抵债 refused) before a 终本, else the case stays open while disposal runs.
    r2 = rnd.random()
    property_kind = "存款" if r2 < 0.35 else ("不动产" if r2 < 0.5 else None)
    full_chain = property_kind == "不动产" and rnd.random() < 0.6
    deposit_asset: tuple[str, int] | None = None
    house_asset: str | None = None
    evaluated_on: date | None = None
    shift = 0  # days the disposal chain pushes the later nodes back
    # 终本 only after more than three months from filing (终本规定 art 1(4), R1): the 合议 and the ruling wait.
    from execdesk.rules.zhongben import earliest_ruling_date

    earliest = earliest_ruling_date(filed)
    for n, (code, offset) in enumerate(PATH, 3):
        day = filed + timedelta(days=int(offset * pace) + rnd.randint(0, 2) + shift)
        if code in ("N23", "N24") and day < earliest:
            shift += (earliest - day).days
            day = earliest
        if day > today or n - 3 >= stall_at:
            break
        end: date | None = day
        if code == "N06":
            for d in debtors:
                fb = day + timedelta(days=2)
                fb = fb if fb <= today else None
                nid, rid = linked("N06", day, fb or None, "property_inquiry",
                                  {"party": d[0], "scopes": NETWORK_SCOPES, "result": "未发现可供执行财产",
                                   "found_property": "否"}, "网络查控")
                batch["inq"].append((rid, 1, now, now, case_id, d[0], "网络查控", json.dumps(NETWORK_SCOPES, ensure_ascii=False),
                                     day.isoformat(), fb.isoformat() if fb else None, "未发现可供执行财产", 0, nid))
            continue
        if code == "N07":
            nid, rid = linked("N07", day, day, "property_inquiry",
                              {"party": debtors[0][0], "result": "实地调查未发现可供执行财产", "found_property": "否"})
            batch["inq"].append((rid, 1, now, now, case_id, debtors[0][0], "传统查控", "[]", day.isoformat(),
                                 day.isoformat(), "实地调查未发现可供执行财产", 0, nid))
            continue
        if code in ("N09", "N10"):
            kind, suffix = ("限制消费", "之一") if code == "N09" else ("失信", "之二")
            for d in debtors:
                nid, rid = linked(code, day, day, "measure", {"party": d[0]})
                batch["meas"].append((rid, 1, now, now, case_id, d[0], kind, None, day.isoformat(), None, None,
                                      f"（{year}）鲁0102执{serials[year]}号{suffix}", 0,
                                      "限制消费令" if code == "N09" else "纳入失信被执行人名单", nid))
            continue
        if code == "N11":
            if property_kind is None:
                continue  # nothing found to seize
            if property_kind == "存款":
                frozen = rnd.randint(100, 5_000) * 100
                expiry = day.replace(year=day.year + 1) if not (day.month == 2 and day.day == 29) else day + timedelta(days=365)
                desc = "被执行人银行存款"
                nid, mid = linked("N11", day, day, "measure", {
                    "seal_kind": "冻结", "asset_kind": "存款", "asset_description": desc, "value": frozen,
                    "amount": frozen, "party": debtors[0][0]})
                batch["meas"].append((mid, 1, now, now, case_id, debtors[0][0], "冻结", "存款", day.isoformat(),
                                      expiry.isoformat(), None, None, frozen, desc, nid))
                aid = ids()
                batch["asset"].append((aid, 1, now, now, case_id, debtors[0][0], "存款", desc, frozen, None, None,
                                       nid, mid, "已冻结", 0))
                deposit_asset = (aid, frozen)
            else:
                value = rnd.randint(30, 200) * 10_000_00
                desc = f"济南市历下区{rnd.choice(STREETS)}{rnd.randint(1, 300)}号房产"
                expiry = day + timedelta(days=3 * 365)
                nid, mid = linked("N11", day, day, "measure", {
                    "seal_kind": "查封", "asset_kind": "不动产", "asset_description": desc, "value": value,
                    "party": debtors[0][0]})
                batch["meas"].append((mid, 1, now, now, case_id, debtors[0][0], "查封", "不动产", day.isoformat(),
                                      expiry.isoformat(), None, None, 0, desc, nid))
                house_asset = ids()
                reason = "拍卖变卖不成且申请人拒绝以物抵债" if full_chain else None
                batch["asset"].append((house_asset, 1, now, now, case_id, debtors[0][0], "不动产", desc, value,
                                       "经三次网络司法拍卖均流拍，变卖不成，申请执行人拒绝以物抵债" if full_chain else None,
                                       reason, nid, mid, "已查封", 0))
            continue
        if code == "N12":
            if house_asset is None:
                continue
            end = day + timedelta(days=rnd.randint(20, 45))  # evaluation takes weeks: a deducted span (R17)
            node("N12", day, end if end <= today else None, {"asset_id": house_asset, "asset": "不动产"}, "委托评估")
            evaluated_on = end
            if end > today:
                break  # still being evaluated: nothing after it yet
            continue
        if code == "N13":
            if house_asset is None:
                continue
            # The statutory chain (网拍规定 art 26, 拍变规定 arts 23, 25; 终本规定 art 4), after the evaluation.
            if evaluated_on is None:
                break  # no auction without an evaluation (R27)
            start = max(day, evaluated_on + timedelta(days=rnd.randint(3, 10)))
            chain_done = False
            steps = [("网络司法拍卖", "流拍", 30), ("网络司法拍卖", "流拍", 15), ("网络司法拍卖", "流拍", 15),
                     ("变卖", "变卖不成", 60), ("以物抵债", "申请人拒绝抵债", 3)]
            if not full_chain:
                steps = steps[:1]
            for i, (method, result, lead) in enumerate(steps):
                notice = start
                done = notice + timedelta(days=lead + 1)
                data: dict[str, Any] = {"asset_id": house_asset, "asset": "不动产", "method": method,
                                        "notice_on": notice.isoformat()}
                if method == "网络司法拍卖":
                    data.update(round=i + 1, auction_on=done.isoformat())
                if done > today:
                    node("N13", notice, None, data)
                    break
                node("N13", notice, done, {**data, "result": result})
                start = done + timedelta(days=rnd.randint(5, 20))
            else:
                chain_done = full_chain
            shift += (start - day).days
            if not chain_done or start > today:
                break  # first 流拍 of real estate is not "不能处置": disposal goes on, no 终本 (R27)
            continue
        if code == "N14":
            if deposit_asset is not None:  # the frozen deposit is transferred (划拨): disposed of
                aid, frozen = deposit_asset
                nid, pid = linked("N14", day, day, "payment", {"amount": frozen, "route": "划拨", "asset_id": aid},
                                  "划拨冻结存款")
                batch["pay"].append((pid, 1, now, now, case_id, "到账", frozen, day.isoformat(), "划拨",
                                     "划拨冻结存款", nid, aid))
                paid = frozen
            elif rnd.random() < 0.5:
                paid = rnd.randint(1, max(1, amount // 300)) if amount > 300 else 100
                nid, pid = linked("N14", day, day, "payment", {"amount": paid, "route": "划拨"}, "划拨存款")
                batch["pay"].append((pid, 1, now, now, case_id, "到账", paid, day.isoformat(), "划拨", "划拨存款",
                                     nid, None))
            else:
                continue
            # 执行款 paid out to the applicant (R28): usually within days, now and then late.
            payout = day + timedelta(days=rnd.randint(2, 5) if rnd.random() < 0.9 else rnd.randint(10, 40))
            if payout <= today:
                nid, pid = linked("N15", payout, payout, "payment",
                                  {"payment_kind": "发放", "amount": paid, "route": "其他"}, "执行款发放")
                batch["pay"].append((pid, 1, now, now, case_id, "发放", paid, payout.isoformat(), "其他",
                                     "执行款发放", nid, None))
            continue
        if code == "N15":
            continue  # written with its N14 above
        if code == "N16":
            nid, mid = linked("N16", day, day, "measure", {"measure_kind": "悬赏", "party": debtors[0][0]}, "悬赏公告")
            batch["meas"].append((mid, 1, now, now, case_id, debtors[0][0], "悬赏", None, day.isoformat(), None,
                                  None, None, 0, "悬赏公告", nid))
            continue
        if code == "N17":
            nid, mid = linked("N17", day, day, "measure", {"measure_kind": "传唤", "party": debtors[0][0]}, "传唤")
            batch["meas"].append((mid, 1, now, now, case_id, debtors[0][0], "传唤", None, day.isoformat(), None,
                                  None, None, 0, "传唤被执行人", nid))
            continue
        if code == "N22":
            agreed = "是" if interviewed_agreed else "否"
            nid, iid = linked("N22", day, day, "interview", {"method": "电话", "agreed": agreed, "attendees": "申请执行人"})
            batch["interview"].append((iid, 1, now, now, case_id, nid, day.isoformat(), "电话", None, "申请执行人",
                                       agreed, None))
            continue
        data = {}
        if code == "N04":
            data = {"report_order_on": day.isoformat(), "service_method": "直接送达"}
        elif code == "N24":
            closed = day + timedelta(days=2)
            data = {"served_on": min(closed, today).isoformat()}
        elif code == "N27":
            closure = "终结本次执行程序"
            data = {"method": closure}
        elif code == "N05" and rnd.random() < 0.3:  # the applicant gives a lead; verified within 7 days (R24)
            given = day + timedelta(days=rnd.randint(1, 10))
            if given <= today:
                checked = given + timedelta(days=rnd.randint(1, 9))
                done = checked <= today
                batch["lead"].append((ids(), 1, now, now, case_id, "申请执行人", "被执行人名下可能有车辆", given.isoformat(),
                                      0, checked.isoformat() if done else None, "经核实车辆已转让" if done else None))
        node(code, day, end, data)
        if closed and closed > today:
            closed = None
    # After 终本: a network re-query every 6 months for 5 years (终本规定 art 9 ¶2, R14).
    if closure == "终结本次执行程序" and closed:
        requery = closed
        for _ in range(10):
            requery = requery + timedelta(days=182)
            if requery > today:
                break
            node("N26", requery, requery, {}, "网络查控未发现可供执行财产，已告知申请执行人")
            for d in debtors:  # the re-query itself is a 网络查控 (node N06 with its inquiry)
                fb = requery + timedelta(days=2)
                nid, rid = linked("N06", requery, fb if fb <= today else None, "property_inquiry",
                                  {"party": d[0], "scopes": NETWORK_SCOPES, "result": "未发现可供执行财产",
                                   "found_property": "否"}, "终本后定期网络查控")
                batch["inq"].append((rid, 1, now, now, case_id, d[0], "网络查控", json.dumps(NETWORK_SCOPES, ensure_ascii=False),
                                     requery.isoformat(), fb.isoformat() if fb <= today else None, "未发现可供执行财产", 0, nid))
    # A few open cases past their limit were extended by the 院长 (R18: at most 3 months).
    if closure is None and age > 170 and rnd.random() < 0.3:
        applied = filed + timedelta(days=175)
        batch["ext"].append((ids(), 1, now, now, case_id, "财产处置尚未完成", applied.isoformat(), "孙立", "本院",
                             (applied + timedelta(days=2)).isoformat(), 3, 0, None))
    # A share of cases is closed by full performance instead.
    if closure is None and age > 60 and rnd.random() < 0.25:
        closure = "执行完毕"
        closed = filed + timedelta(days=rnd.randint(20, min(age, 170)))
        closed = max(closed, max(date.fromisoformat(n[8]) for n in nodes if n[4] == case_id))
        if closed <= today:
            nid, pid = linked("N15", closed, closed, "payment",
                              {"payment_kind": "到账", "amount": amount, "route": "自动履行"}, "被执行人履行")
            batch["pay"].append((pid, 1, now, now, case_id, "到账", amount, closed.isoformat(), "自动履行",
                                 "被执行人履行", nid, None))
        else:
            closure, closed = None, None
    status = "已结" if closure and closed else "未结"
    search_text = "|".join([case_number, *names]).lower()
    batch["case"].append((case_id, 1, now, now, court_id, case_number, year, DEMO_COURT[0], type_code, serials[year],
                          received.isoformat(), filed.isoformat(), assigned.isoformat(), handler_id, clerk_id, cause,
                          amount, int(livelihood), 0, 0, 0, 0, status, closure if status == "已结" else None,
                          closed.isoformat() if closed and status == "已结" else None, search_text, 0, 0, 0, 0, 0))
