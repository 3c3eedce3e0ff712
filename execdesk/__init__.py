"""ExecDesk 执行办案桌面端."""


def __getattr__(name: str):
    # importlib.metadata costs ~25 ms to import: resolved when first asked for, not on every start-up.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("execdesk")
        except PackageNotFoundError:  # running from a source tree that was never installed
            value = "0.1.0"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
