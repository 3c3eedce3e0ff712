<#
.SYNOPSIS
  Build the ExecDesk Windows release: PyInstaller onedir bundle, its self-test, then the Inno Setup installer.

.DESCRIPTION
  THIS SCRIPT MUST RUN ON WINDOWS (10/11 or a windows-latest CI runner). PyInstaller cannot cross-compile:
  a bundle built on Linux contains Linux binaries and will not start on Windows. The Linux build
  (installer/build_linux.sh) exists only so CI can prove the spec is complete.

  Needs: Python 3.12 (x64) on PATH or -Python, Inno Setup 6 (ISCC.exe; `choco install innosetup`), and its
  Simplified Chinese messages file ChineseSimplified.isl (shipped in Inno Setup's Languages folder by recent
  releases; with an older Inno Setup put the file in installer\languages\ and this script uses it).

  Steps:
    1. create .venv-win (unless -SkipVenv) and pip install the package with the dev extras (PyInstaller);
    2. pyinstaller installer\execdesk.spec  ->  dist\execdesk\ (ExecDesk.exe windowed, execdesk-cli.exe console);
    3. dist\execdesk\execdesk-cli.exe --selftest  (offscreen Qt, temporary data folder): must exit 0;
    4. ISCC installer\execdesk.iss /DAppVersion=<package version>  ->  dist\installer\ExecDesk-<version>-setup.exe

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\build_windows.ps1
#>
[CmdletBinding()]
param(
  [string]$Python = "python",
  [switch]$SkipVenv,
  [switch]$SkipInstaller,
  [string]$Iscc = ""
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

if ($env:OS -ne "Windows_NT") {
  throw "build_windows.ps1 must run on Windows: PyInstaller cannot cross-compile a Windows bundle."
}
$Root = Resolve-Path (Join-Path $PSScriptRoot "..")
Set-Location $Root

function Step($text) { Write-Host "[build_windows] $text" -ForegroundColor Cyan }
function Check-Exit($what) { if ($LASTEXITCODE -ne 0) { throw "$what failed (exit $LASTEXITCODE)" } }

# 1. Python environment -----------------------------------------------------------------------------------
if ($SkipVenv) {
  $Py = $Python
} else {
  $Venv = Join-Path $Root ".venv-win"
  if (-not (Test-Path (Join-Path $Venv "Scripts\python.exe"))) {
    Step "creating $Venv"
    & $Python -m venv $Venv; Check-Exit "python -m venv"
  }
  $Py = Join-Path $Venv "Scripts\python.exe"
  Step "installing ExecDesk and PyInstaller into $Venv"
  & $Py -m pip install --quiet --upgrade pip; Check-Exit "pip upgrade"
  & $Py -m pip install --quiet -e ".[dev]"; Check-Exit "pip install"
}
$PyVersion = & $Py -c "import sys; print('%d.%d' % sys.version_info[:2])"
if ([version]$PyVersion -lt [version]"3.12") { throw "Python 3.12 or newer is required (found $PyVersion)" }
$Version = & $Py -c "from importlib.metadata import version; print(version('execdesk'))"; Check-Exit "read version"
Step "ExecDesk $Version, Python $PyVersion"

# 2. PyInstaller onedir bundle ----------------------------------------------------------------------------
Step "pyinstaller installer\execdesk.spec"
& $Py -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller installer\execdesk.spec
Check-Exit "PyInstaller"
$Bundle = Join-Path $Root "dist\execdesk"
foreach ($exe in @("ExecDesk.exe", "execdesk-cli.exe")) {
  if (-not (Test-Path (Join-Path $Bundle $exe))) { throw "missing $exe in $Bundle" }
}
$Unwanted = Get-ChildItem -Recurse -File $Bundle | Where-Object { $_.Name -match "WebEngine|Qt6Qml|Qt6Quick|QtQml|QtQuick" }
if ($Unwanted) { throw "bundle contains WebEngine/QML/Quick files: $($Unwanted.Name -join ', ')" }
$SizeMB = [math]::Round(((Get-ChildItem -Recurse -File $Bundle | Measure-Object Length -Sum).Sum / 1MB), 1)
Step "bundle: $Bundle, $SizeMB MB"

# 3. Self-test of the bundle (temporary data folder: the builder's own ExecDesk data is not touched) ----------
Step "execdesk-cli.exe --selftest"
$SelftestData = Join-Path ([System.IO.Path]::GetTempPath()) ("execdesk-selftest-" + [guid]::NewGuid())
$env:EXECDESK_DATA_DIR = $SelftestData
try {
  & (Join-Path $Bundle "execdesk-cli.exe") --selftest
  Check-Exit "bundle self-test"
} finally {
  Remove-Item Env:\EXECDESK_DATA_DIR
  Remove-Item -Recurse -Force $SelftestData -ErrorAction SilentlyContinue
}

if ($SkipInstaller) { Step "skipping the installer (-SkipInstaller)"; exit 0 }

# 4. Inno Setup installer ---------------------------------------------------------------------------------
if (-not $Iscc) {
  $cmd = Get-Command ISCC.exe -ErrorAction SilentlyContinue
  if ($cmd) { $Iscc = $cmd.Source }
  else {
    foreach ($dir in @("${env:ProgramFiles(x86)}\Inno Setup 6", "$env:ProgramFiles\Inno Setup 6",
                       "$env:LOCALAPPDATA\Programs\Inno Setup 6")) {
      if (Test-Path "$dir\ISCC.exe") { $Iscc = "$dir\ISCC.exe"; break }
    }
  }
}
if (-not $Iscc) { throw "ISCC.exe (Inno Setup 6) not found: install it (choco install innosetup) or pass -Iscc" }
$IsccDir = Split-Path $Iscc -Parent
$ChineseIsl = Join-Path $IsccDir "Languages\ChineseSimplified.isl"
if (-not (Test-Path $ChineseIsl)) {
  $ChineseIsl = Join-Path $Root "installer\languages\ChineseSimplified.isl"
  if (-not (Test-Path $ChineseIsl)) {
    throw "ChineseSimplified.isl not found in $IsccDir\Languages or installer\languages: the installer must be Chinese. " +
          "Use an Inno Setup release that ships it, or copy the official translation file into installer\languages\."
  }
}
# VersionInfoVersion of the setup .exe must be numeric (a.b.c.d): 0.2.0rc1 -> 0.2.0.1
$Numeric = (([regex]::Matches($Version, "\d+") | Select-Object -First 4 | ForEach-Object { $_.Value }) -join ".")
Step "ISCC installer\execdesk.iss (version $Version)"
& $Iscc /Qp "/DAppVersion=$Version" "/DAppNumericVersion=$Numeric" "/DSourceDir=$Bundle" "/DChineseIsl=$ChineseIsl" `
    "/O$(Join-Path $Root 'dist\installer')" installer\execdesk.iss
Check-Exit "Inno Setup compiler"
$Setup = Join-Path $Root "dist\installer\ExecDesk-$Version-setup.exe"
if (-not (Test-Path $Setup)) { throw "installer not produced: $Setup" }
Step "installer: $Setup ($([math]::Round((Get-Item $Setup).Length / 1MB, 1)) MB)"
