"""The Windows installer script and the court-IT guide agree with each other and with the program (issue 7 §2,
§5). Inno Setup cannot run here, so this checks the promises the guide makes against the script's text and
against the constants the program really uses (data folder name, keyring service, backup file names)."""

from __future__ import annotations

import re
from pathlib import Path

from execdesk import config
from execdesk.sync import credentials

ROOT = Path(__file__).resolve().parent.parent
ISS = (ROOT / "installer" / "execdesk.iss").read_text(encoding="utf-8-sig")
GUIDE = (ROOT / "docs" / "安装与升级指南.md").read_text(encoding="utf-8")
MIGRATE = (ROOT / "execdesk" / "models" / "migrate.py").read_text(encoding="utf-8")


def setup_value(key: str) -> str:
    match = re.search(rf"^{key}=(.*)$", ISS, re.MULTILINE)
    assert match, f"{key} missing from [Setup]"
    return match.group(1).strip()


def test_per_user_install_without_admin_rights_in_chinese():
    assert setup_value("PrivilegesRequired") == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in ISS  # no switch to an all-users install
    assert setup_value("DefaultDirName") == r"{autopf}\ExecDesk"
    languages = re.search(r"^\[Languages\]\n(.*?)\n\n", ISS, re.MULTILINE | re.DOTALL).group(1)
    assert languages.count("MessagesFile") == 1 and "ChineseSimplified.isl" in ISS
    assert "不需要管理员权限" in GUIDE and r"%LOCALAPPDATA%\Programs\ExecDesk" in GUIDE


def test_data_folder_is_the_programs_own_and_survives_upgrade_and_uninstall():
    # execdesk/config.py: platformdirs user_data_dir(APP_NAME, appauthor=False, roaming=False) on Windows is
    # %LOCALAPPDATA%\<APP_NAME>; the installer names the same folder and never uninstalls it.
    assert f'#define DataFolder "{{localappdata}}\\{config.APP_NAME}"' in ISS
    assert re.search(r'^Name: "\{#DataFolder\}"; Flags: uninsneveruninstall$', ISS, re.MULTILINE)
    assert rf"%LOCALAPPDATA%\{config.APP_NAME}" in GUIDE
    for item in ("execdesk.sqlite3", "backups\\", "logs\\", "settings.json"):
        assert item in GUIDE
    assert config.default_db_path().name == "execdesk.sqlite3"
    assert config.Settings.path().name == "settings.json"


def test_upgrade_replaces_program_files_only_and_backs_up_first():
    assert re.search(r'^\[InstallDelete\]\n(;.*\n)*Type: filesandordirs; Name: "\{app\}\\_internal"$', ISS,
                     re.MULTILINE)
    assert "CurStep = ssInstall" in ISS and "BackUpDatabase()" in ISS
    assert "execdesk.before-install-" in ISS and "execdesk.before-install-" in GUIDE
    # The program's own backup before a schema upgrade, as the guide describes it.
    assert "pre-upgrade-{current}-to-{wanted}" in MIGRATE and "backup_to(path, backup)" in MIGRATE
    assert "restore_from(backup, path)" in MIGRATE
    assert "execdesk.pre-upgrade-" in GUIDE
    assert setup_value("CloseApplications") == "yes"


def test_uninstaller_keeps_data_unless_asked_twice_and_removes_the_right_credential():
    code = ISS.split("procedure CurUninstallStepChanged", 1)[1]
    assert "if UninstallSilent then\n    Exit;" in code
    assert code.count("MB_YESNO or MB_DEFBUTTON2") == 2  # default button: 否, twice
    assert f"/delete:{credentials.SERVICE}" in code
    assert credentials.SERVICE in GUIDE
    assert "默认“否”，保留数据库" in GUIDE


def test_version_comes_from_package_metadata():
    assert "#error AppVersion is not defined" in ISS
    ps1 = (ROOT / "installer" / "build_windows.ps1").read_text(encoding="utf-8")
    assert "version('execdesk')" in ps1 and '"/DAppVersion=$Version"' in ps1
    assert "must run on Windows" in ps1.lower() or "MUST RUN ON WINDOWS" in ps1


def test_shortcuts_named_in_the_guide_exist_in_the_script():
    icons = ISS.split("[Icons]", 1)[1].split("\n\n", 1)[0]
    for name in ("{#AppName}", "ExecDesk 安装自检", "ExecDesk 数据文件夹", "安装与升级指南", "卸载 ExecDesk"):
        assert f'Name: "{{group}}\\{name}"' in icons
    assert '"{autodesktop}\\{#AppName}"' in icons and "Tasks: desktopicon" in icons
    assert "--selftest" in icons
    for name in ("ExecDesk 安装自检", "ExecDesk 数据文件夹", "卸载 ExecDesk"):
        assert name in GUIDE
