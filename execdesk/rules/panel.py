"""Who may sit on the 终本 合议庭 and how each signer is titled (DOMAIN.md §1.8, §2.2 item 11; R9). Pure.

- 《人民法院组织法》(2018) art 30: a 合议庭 is formed of 法官 (three or more, an odd number) and is presided over
  by a 法官 as 审判长. An 执行员 is not a 法官: they may sit as a member of the enforcement panel (the 2009
  执行文书样式 sign-off reads "审判员（执行员）×××"), never preside, and are printed 执行员 — never 审判员.
- Each signer is titled by their own post (``User.title``): a 法官 member is printed 审判员, an 执行员 执行员.
  A person without a judicial post (书记员, 法官助理, an account with no title) cannot sit or sign.
- The single-signer route (申请执行人签字确认) is signed by the 承办人 with their post: 审判员 or 执行员.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from execdesk.rules.approval import SignerLine, panel_titles
from execdesk.rules.errors import ValidationError

JUDGE = "审判员"
ENFORCEMENT_OFFICER = "执行员"
# Posts (User.title) that are 法官; roles that are held only by 法官 when no title is recorded.
JUDGE_POSTS = frozenset({"审判员", "审判长", "庭长", "副庭长", "院长", "副院长", "执行局长", "副局长"})
JUDGE_ROLES = frozenset({"审判员", "院长", "副院长", "执行局长"})
BASIS = "《中华人民共和国人民法院组织法》第三十条"


@dataclass(frozen=True)
class Member:
    name: str
    title: str | None  # the person's post, e.g. 审判员 / 执行员
    role: str | None = None  # the account's role, used only when no post is recorded


def post_of(m: Member) -> str | None:
    """审判员 (a 法官 of any rank), 执行员, or None (no judicial post)."""
    title = (m.title or "").strip()
    if title in JUDGE_POSTS:
        return JUDGE
    if title == ENFORCEMENT_OFFICER:
        return ENFORCEMENT_OFFICER
    if not title and (m.role or "") in JUDGE_ROLES:
        return JUDGE
    return None


def panel_signers(members: Sequence[Member]) -> list[SignerLine]:
    """The 合议庭's signer lines (审判长 first), or ValidationError naming who may not sit and why."""
    presiding_title, _member_title, size = panel_titles()
    if len(members) != size or size % 2 == 0:
        raise ValidationError(f"合议庭应由{size}人组成（审判长1人、成员{size - 1}人），现为{len(members)}人（{BASIS}）",
                              "合议庭")
    names = [m.name for m in members]
    if len(set(names)) != len(names):
        raise ValidationError("合议庭成员重复", "合议庭")
    presiding = members[0]
    if post_of(presiding) != JUDGE:
        post = presiding.title or "无法官职务"
        raise ValidationError(f"审判长须由法官担任，{presiding.name}的职务是{post}（{BASIS}）", "合议庭")
    lines = [SignerLine(presiding_title, presiding.name)]
    for m in members[1:]:
        post = post_of(m)
        if post is None:
            raise ValidationError(f"{m.name}（{m.title or m.role or '无职务'}）不是审判员或执行员，不能担任合议庭成员"
                                  f"（{BASIS}）", "合议庭")
        lines.append(SignerLine(post, m.name))
    return lines


def check_known_members(members: Sequence[Member], *, presiding: str) -> None:
    """For a panel naming people this court has no account for (an imported case): each person we do know must be
    allowed where they sit (the 审判长 a 法官, a member a 法官 or 执行员); the others are checked when issuing."""
    for m in members:
        post = post_of(m)
        if m.name == presiding and post != JUDGE:
            raise ValidationError(f"审判长须由法官担任，{m.name}的职务是{m.title or '无法官职务'}（{BASIS}）", "合议庭")
        if post is None:
            raise ValidationError(f"{m.name}（{m.title or m.role or '无职务'}）不是审判员或执行员，不能担任合议庭成员"
                                  f"（{BASIS}）", "合议庭")


def single_signer(handler: Member | None) -> list[SignerLine]:
    """The 承办人 signing alone (applicant-confirmation route), titled by their post."""
    if handler is None:
        raise ValidationError("案件未指定承办人，无法确定署名", "承办人")
    post = post_of(handler)
    if post is None:
        raise ValidationError(f"承办人{handler.name}（{handler.title or handler.role or '无职务'}）不是审判员或执行员，"
                              "不能在裁定书上署名", "承办人")
    return [SignerLine(post, handler.name)]
