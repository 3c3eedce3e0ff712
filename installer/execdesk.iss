; ExecDesk 执行办案桌面端 — Inno Setup 6 script (Windows installer).
;
; Built by installer\build_windows.ps1 ON WINDOWS, after PyInstaller has produced dist\execdesk\:
;   ISCC /DAppVersion=0.1.0 /DAppNumericVersion=0.1.0 /DSourceDir=...\dist\execdesk installer\execdesk.iss
; The version always comes from the package metadata (pyproject.toml) through the build script.
;
; What it does (reviewed against docs\安装与升级指南.md):
; - per-user install, no administrator rights: PrivilegesRequired=lowest, program files in
;   %LOCALAPPDATA%\Programs\ExecDesk ({autopf} of a per-user install);
; - user data is NOT in the program folder: the database, backups\, logs\ and settings.json live in
;   %LOCALAPPDATA%\ExecDesk (platformdirs user data folder, execdesk\config.py). An upgrade replaces the program
;   folder only; the data folder is never touched. On its first start the new version backs the database up
;   (SQLite backup API, backups\execdesk.pre-upgrade-<old>-to-<new>.<time>.sqlite3) before any schema upgrade
;   and restores it if the upgrade fails (execdesk\models\migrate.py: open_database);
; - upgrade in place: same AppId; the old _internal\ folder is deleted first so no stale module or migration
;   script of the previous version survives; a running ExecDesk is closed first (Restart Manager); before any
;   file is replaced the installer also copies the closed database to
;   backups\execdesk.before-install-<version>-<time>.sqlite3 (a second, independent safety copy);
; - Start-menu folder (program, self-test, guide, uninstall) and a desktop shortcut (on by default);
; - the uninstaller removes the program and asks whether to delete the user data too; the default is to keep
;   it, and a silent uninstall always keeps it.

#ifndef AppVersion
  #error AppVersion is not defined: build with installer\build_windows.ps1 (it passes /DAppVersion from the package metadata)
#endif
#ifndef AppNumericVersion
  #define AppNumericVersion AppVersion
#endif
#ifndef SourceDir
  #define SourceDir "..\dist\execdesk"
#endif
#ifndef ChineseIsl
  #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
#endif

#define AppName "ExecDesk 执行办案桌面端"
#define AppExe "ExecDesk.exe"
#define CliExe "execdesk-cli.exe"
#define DataFolder "{localappdata}\ExecDesk"

[Setup]
; Never change AppId: it is how an upgrade finds the installed copy.
AppId={{6E0C5D0B-4C1A-4F7E-9B53-2B8E7C1D4A21}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=ExecDesk
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} 安装程序
; Per-user, no administrator rights; the user cannot switch to an all-users install.
PrivilegesRequired=lowest
DefaultDirName={autopf}\ExecDesk
DefaultGroupName=ExecDesk
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
UsePreviousGroup=yes
DisableDirPage=auto
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; Close a running ExecDesk (asking it politely, so unsaved input can be saved) before replacing its files.
CloseApplications=yes
CloseApplicationsFilter=*.exe,*.dll,*.pyd
RestartApplications=no
SetupIconFile=execdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
ShowLanguageDialog=no
Compression=lzma2/max
SolidCompression=yes
OutputDir=..\dist\installer
OutputBaseFilename=ExecDesk-{#AppVersion}-setup

[Languages]
Name: "chs"; MessagesFile: "{#ChineseIsl}"

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "快捷方式："

[InstallDelete]
; Upgrade: remove the previous version's support files before copying the new ones (stale modules or
; Alembic scripts of an older build must not be picked up). User data is elsewhere and is not touched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\docs\安装与升级指南.md"; DestDir: "{app}\docs"; Flags: ignoreversion skipifsourcedoesntexist

[Dirs]
; Created empty if missing; never removed by the uninstaller (uninsneveruninstall).
Name: "{#DataFolder}"; Flags: uninsneveruninstall

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\ExecDesk 安装自检"; Filename: "{cmd}"; Parameters: "/k """"{app}\{#CliExe}"" --selftest"""; WorkingDir: "{app}"; IconFilename: "{app}\{#AppExe}"; Comment: "检查本机安装是否完整可用"
Name: "{group}\ExecDesk 数据文件夹"; Filename: "{#DataFolder}"; Comment: "数据库、备份、日志和设置所在的文件夹"
Name: "{group}\安装与升级指南"; Filename: "{win}\notepad.exe"; Parameters: """{app}\docs\安装与升级指南.md"""; Check: GuideInstalled
Name: "{group}\卸载 ExecDesk"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "立即启动 ExecDesk"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program folder may have gained at run time; the data folder is handled in [Code].
Type: filesandordirs; Name: "{app}\_internal"

[Code]
function GuideInstalled(): Boolean;
begin
  Result := FileExists(ExpandConstant('{app}\docs\安装与升级指南.md'));
end;

{ Upgrade: copy the user's database (closed by now) into backups\ before any program file is replaced.
  The new version also makes its own backup with SQLite's backup API before a schema upgrade; this copy
  additionally covers an upgrade that changes no schema. A leftover -wal file (after a crash) is copied too,
  so the copy opens with every committed transaction. }
procedure BackUpDatabase();
var
  DataDir, Db, Target, Stamp: String;
begin
  DataDir := ExpandConstant('{#DataFolder}');
  Db := DataDir + '\execdesk.sqlite3';
  if not FileExists(Db) then
    Exit;
  ForceDirectories(DataDir + '\backups');
  Stamp := GetDateTimeString('yyyymmdd-hhnnss', '-', ':');
  Target := DataDir + '\backups\execdesk.before-install-{#AppVersion}-' + Stamp + '.sqlite3';
  if FileCopy(Db, Target, True) then
  begin
    if FileExists(Db + '-wal') then
      FileCopy(Db + '-wal', Target + '-wal', True);
    Log('database copied to ' + Target);
  end
  else
    MsgBox('未能在升级前备份数据库（' + Db + '）。' + #13#10 +
           '升级将继续；新版本首次启动时还会在升级数据库结构前自动备份。', mbInformation, MB_OK);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssInstall then
    BackUpDatabase();
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
  ResultCode: Integer;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := ExpandConstant('{#DataFolder}');
  if not DirExists(DataDir) then
    Exit;
  { A silent uninstall (e.g. by IT tools) never deletes case data. }
  if UninstallSilent then
    Exit;
  if MsgBox('程序已卸载。' + #13#10 + #13#10 +
            '您的案件数据库、自动备份、日志和设置仍保留在：' + #13#10 + DataDir + #13#10 + #13#10 +
            '是否同时删除这些数据？删除后无法恢复。' + #13#10 +
            '（如只是重装或升级，请选择“否”。）',
            mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
  begin
    if MsgBox('再次确认：永久删除 ' + DataDir + ' 中的全部案件数据和备份？',
              mbError, MB_YESNO or MB_DEFBUTTON2) = IDYES then
    begin
      if not DelTree(DataDir, True, True, True) then
        MsgBox('部分文件未能删除，请手动删除文件夹：' + #13#10 + DataDir, mbInformation, MB_OK);
      { The platform token is in Windows Credential Manager (generic credential of this name). }
      Exec(ExpandConstant('{sys}\cmdkey.exe'), '/delete:ExecDesk-provincial-platform', '', SW_HIDE,
           ewWaitUntilTerminated, ResultCode);
    end;
  end;
end;
