"""Validation errors that carry a Chinese message naming the field and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str  # Chinese field label, e.g. "案号"
    message: str  # what is wrong, in Chinese

    def __str__(self) -> str:
        return f"{self.field}：{self.message}"


class UserError(Exception):
    """Base of every error a person can act on (bad input, a record that does not exist, a stale form).

    The UI and the CLI catch exactly this class and show ``str(err)`` (Chinese). Every other exception is a
    programming error: it reaches the error dialog / the log with its traceback (issue 11)."""


class ValidationError(UserError, ValueError):
    """One or more fields are invalid. ``str(err)`` is a user-facing Chinese message."""

    def __init__(self, errors: FieldError | list[FieldError] | str, field: str | None = None):
        if isinstance(errors, str):
            errors = [FieldError(field or "输入", errors)]
        elif isinstance(errors, FieldError):
            errors = [errors]
        self.errors: list[FieldError] = list(errors)
        super().__init__("；".join(str(e) for e in self.errors))

    @property
    def field(self) -> str:
        return self.errors[0].field


class ErrorCollector:
    """Collects field errors so a form reports every problem at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def check(self, fn, *args, prefix: str = "", **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            for e in exc.errors:
                self.errors.append(FieldError(prefix + e.field, e.message))
            return None

    def add(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


class NotFoundError(UserError, LookupError):
    """A case or record that does not exist (Chinese message)."""


@dataclass(frozen=True)
class FieldDiff:
    field: str  # Chinese label
    mine: str  # what this person typed (formatted)
    theirs: str  # what is stored now (formatted)


class ConflictError(UserError):
    """The form was read at one version and the row has changed since: a stale edit is never an overwrite.

    ``diffs`` lists each field whose stored value differs from what the form read, with both values, so the
    person can decide (keep theirs, or re-apply mine on top of the new version)."""

    def __init__(self, what: str, *, read_version: int, current_version: int, changed_by: str | None = None,
                 diffs: list[FieldDiff] | None = None):
        self.what = what
        self.read_version = read_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.diffs = list(diffs or [])
        who = f"（{changed_by}修改）" if changed_by else ""
        super().__init__(f"{what}在您打开后已被他人修改{who}：您读取的是第{read_version}版，现在是第{current_version}版。"
                         "为避免覆盖他人的修改，本次保存未执行，请查看差异后重新保存。")
