"""Validation errors that carry a Chinese message naming the field and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str  # Chinese field label, e.g. "案号"
    message: str  # what is wrong, in Chinese

    def __str__(self) -> str:
        return f"{self.field}：{self.message}"


class ValidationError(ValueError):
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
