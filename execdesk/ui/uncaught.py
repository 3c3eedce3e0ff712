"""The errors nobody caught in this process: the exception hook (ui/app.py) and the error dialog
(ui/operations.py) both append here, and automated runs (EXECDESK_QUIT_AFTER_MS) exit non-zero if any occurred.
Its own Qt-free module so that neither of those two imports the other."""

uncaught_errors: list[str] = []
