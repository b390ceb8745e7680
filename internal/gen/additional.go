package gen

import "strconv"

// additionalFields returns the AdditionalFields bag of a row: the keys
// Defender writes for the row's ActionType, which hunts read with
// parse_json(AdditionalFields).Key, and a generic bag for other rows.
func additionalFields(r *row, table string, key uint64) any {
	h := r.hash(key)
	pickS := func(i uint64, list ...string) string { return list[mix(h+i)%uint64(len(list))] }
	yes := func(i uint64) bool { return mix(h+i)&1 == 0 }
	switch table {
	case "IdentityLogonEvents", "IdentityDirectoryEvents", "IdentityQueryEvents":
		d := devices[r.device(kRemoteDevice)]
		return bag("Count", "1", "Pre-Authenticated", yes(1), "ACTOR.DEVICE", d.name, "FROM.DEVICE", d.name,
			"TO.DEVICE", devices[r.device(kDevice)].name, "Spns", "krbtgt/CONTOSO.COM")
	case "AlertEvidence":
		return bag("Type", pickS(1, "process", "file", "ip", "url", "user"), "Role", int64(mix(h+2)%3),
			"MergeByKey", hexOf(mix(h+3), 28), "CreatedTimeUtc", r.ts.String())
	case "DeviceLogonEvents":
		return bag("IsLocalLogon", yes(1))
	case "DeviceFileEvents":
		return bag("FileType", pickS(1, "PortableExecutable", "Document", "Script"), "SourceTarget", "")
	}
	switch r.action() {
	case "PowerShellCommand":
		return bag("Command", pickS(1, "Invoke-WebRequest", "Invoke-Expression", "Get-ADUser", "Set-MpPreference", "New-Object", "Invoke-Mimikatz", "Get-Process"))
	case "AntivirusDetection":
		return bag("ThreatName", threatNames[mix(h+1)%uint64(len(threatNames))], "WasRemediated", yes(2),
			"WasExecutingWhileDetected", yes(3), "ReportSource", "Antivirus", "Action", pickS(4, "quarantine", "remove", "block"))
	case "ScheduledTaskCreated", "ScheduledTaskUpdated":
		return bag("TaskName", `\Microsoft\Windows\Updater`, "TaskContent",
			`<?xml version="1.0"?><Task><Actions><Exec><Command>C:\ProgramData\update.exe</Command></Exec></Actions></Task>`,
			"SubjectUserName", r.account(strHash("slot:account:InitiatingProcess")).name)
	case "ServiceInstalled":
		return bag("ServiceName", pickS(1, "UpdaterSvc", "PSEXESVC", "AnyDesk"), "ServiceAccount", "LocalSystem",
			"ServiceStartType", int64(2), "ServiceType", int64(16))
	case "NamedPipeEvent":
		return bag("PipeName", pickS(1, `\Device\NamedPipe\msagent_12`, `\Device\NamedPipe\postex_ssh_4411`, `\Device\NamedPipe\lsass`, `\Device\NamedPipe\PSEXESVC`),
			"FileOperation", pickS(2, "File created", "File opened"), "NamedPipeEnd", pickS(3, "Server", "Client"),
			"ThreadId", int64(mix(h+4)%10000), "DesiredAccess", int64(1180063))
	case "UsbDriveMounted", "UsbDriveMount", "UsbDriveUnmounted":
		return bag("DriveLetter", pickS(1, "E:", "F:", "G:"), "ProductName", "Cruzer Blade", "Manufacturer", "SanDisk",
			"SerialNumber", "4C53000"+strconv.Itoa(int(mix(h+2)%10)), "Volume", `\\?\Volume{`+guidOf(mix(h+3))+`}`)
	case "PnpDeviceConnected":
		return bag("ClassName", pickS(1, "USB", "DiskDrive", "WPD", "Bluetooth"), "DeviceId", `USB\VID_0781&PID_5567\4C530001`,
			"DeviceDescription", "USB Mass Storage Device", "VendorIds", `USB\VID_0781`, "ClassId", "{"+guidOf(mix(h+2))+"}")
	case "LdapSearch":
		return bag("SearchFilter", pickS(1, "(&(objectCategory=person)(servicePrincipalName=*))", "(objectClass=computer)", "(adminCount=1)"),
			"AttributeList", []any{"samaccountname", "serviceprincipalname"}, "ScopeOfSearch", "SubTree", "DistinguishedName", "DC=contoso,DC=com")
	case "DnsQueryResponse":
		rem := remotes[mix(h+1)%uint64(len(remotes))]
		return bag("DnsQueryString", rem.url, "DnsQueryResult", []any{bag("DnsQueryType", int64(1), "DnsQueryResult", rem.ip)})
	case "SmartScreenUrlWarning", "SmartScreenAppWarning", "SmartScreenUserOverride":
		return bag("Experience", pickS(1, "Malicious", "Phishing", "Untrusted", "CustomBlockList"), "Url", fullURL(r.remote().url))
	case "ExploitGuardNetworkProtectionBlocked", "ExploitGuardNetworkProtectionAudited":
		return bag("ResponseCategory", pickS(1, "CustomBlockList", "CmdCtrl", "Malicious"), "DisplayName", "Network protection", "IsAudit", yes(2))
	case "AsrLsassCredentialTheftBlocked", "AsrOfficeChildProcessAudited", "AsrOfficeChildProcessBlocked":
		return bag("IsAudit", yes(1), "RuleId", guidOf(mix(h+2)))
	case "ProcessPrimaryTokenModified":
		return bag("OriginalTokenPrivEnabled", int64(2148532224), "CurrentTokenPrivEnabled", int64(mix(h+1)%4294967296),
			"OriginalTokenIntegrityLevel", int64(8192), "CurrentTokenIntegrityLevel", int64(16384))
	case "UserAccountCreated", "UserAccountAddedToLocalGroup", "UserAccountDeleted":
		return bag("GroupName", pickS(1, "Administrators", "Remote Desktop Users", "Users"), "GroupDomainName", "BUILTIN", "GroupSid", "S-1-5-32-544")
	case "TamperingAttempt":
		return bag("TamperingAction", pickS(1, "RegistryModification", "ServiceStop", "FileDelete"), "Status", pickS(2, "Blocked", "Succeeded"),
			"Target", `HKLM\SOFTWARE\Policies\Microsoft\Windows Defender`, "OriginalValue", "0")
	case "AntivirusScanCompleted", "AntivirusScanCancelled", "AntivirusScanFailed":
		return bag("ScanTypeIndex", pickS(1, "Quick", "Full", "Custom"), "AvEngineVersion", "1.1.24020.9", "AvPlatformVersion", "4.18.24020.7",
			"AvSignatureVersion", "1.407.483.0")
	case "DeviceBootAttestationInfo":
		return bag("IsSecureBootOn", yes(1), "IsHvciOn", yes(2), "IsVsmOn", yes(3), "IsIommuOn", yes(4), "IsElamDriverLoaded", yes(5),
			"IsDriverCodeIntegrityEnforced", yes(6), "TpmVersion", "2.0", "SystemGuardSecurityLevel", int64(mix(h+7)%4), "ValidationResult", "Valid")
	case "NetworkSignatureInspected":
		return bag("SignatureName", pickS(1, "SSH", "HTTP_Client", "RDP", "SMB_Client"), "SignatureMatchedContent", "SSH-2.0-OpenSSH_8.9",
			"SamplePacketContent", "GET / HTTP/1.1")
	case "HttpConnectionInspected", "SslConnectionInspected", "DnsConnectionInspected", "SshConnectionInspected", "IcmpConnectionInspected":
		rem := r.remote()
		return bag("direction", pickS(1, "Out", "In"), "host", rem.url, "method", pickS(2, "GET", "POST"), "uri", "/",
			"user_agent", userAgents[mix(h+3)%uint64(len(userAgents))], "ja3", hexOf(mix(h+4), 32), "query", rem.url, "server_name", rem.url,
			"uniqueEventsAggregated", int64(mix(h+5)%5+1))
	case "ShellLinkCreateFileEvent":
		return bag("ShellLinkWorkingDirectory", `C:\Windows\System32`, "ShellLinkIconPath", `C:\Windows\System32\shell32.dll`,
			"ShellLinkCommandLineArguments", "/c powershell -w hidden")
	case "BrowserLaunchedToOpenUrl":
		return bag("Url", fullURL(r.remote().url))
	case "FirewallInboundConnectionBlocked", "FirewallOutboundConnectionBlocked":
		return bag("Direction", "Inbound", "Profile", pickS(1, "Domain", "Private", "Public"))
	}
	return bag("Description", pickS(1, "", "Audit only", "Blocked by policy"), "Count", int64(mix(h+2)%10), "IsAudit", yes(3))
}
