package gen

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// Rules for the columns of the Log Analytics tables that Sentinel hunting
// reads most, so that common filters (ResultType == "0", EventID == 4625,
// Operation == "New-InboxRule", DeviceAction == "deny") find rows. Columns
// that describe one thing within a row (an event's id and its activity
// text, a sign-in's result code and its status) read one slot, so they
// agree.

var (
	kSignIn   = strHash("slot:signin-result")
	kWinEvent = strHash("slot:security-event")
	kOffice   = strHash("slot:office-operation")
	kAudit    = strHash("slot:audit-operation")
	kVendor   = strHash("slot:cef-vendor")
	kAlert    = strHash("slot:alert")
	kUser     = strHash("slot:account:User") // accountColumn's slot for UserPrincipalName
	kCaller   = strHash("slot:account:Caller")
	kTarget   = strHash("slot:account:Target")
	kSyslog   = strHash("slot:syslog")
)

type signInResult struct {
	code          string
	failureReason string
}

var signInResults = []signInResult{
	{"0", ""}, {"0", ""}, {"0", ""}, {"0", ""}, {"0", ""}, {"0", ""},
	{"50126", "Error validating credentials due to invalid username or password."},
	{"50074", "Strong Authentication is required."},
	{"50140", "This error occurred due to 'Keep me signed in' interrupt when the user was signing in."},
	{"53003", "Access has been blocked by Conditional Access policies."},
	{"500121", "Authentication failed during strong authentication request."},
	{"50053", "The account is locked."},
}

type winEvent struct {
	id       int64
	activity string
}

var winEvents = []winEvent{
	{4624, "4624 - An account was successfully logged on."},
	{4624, "4624 - An account was successfully logged on."},
	{4625, "4625 - An account failed to log on."},
	{4634, "4634 - An account was logged off."},
	{4648, "4648 - A logon was attempted using explicit credentials."},
	{4672, "4672 - Special privileges assigned to new logon."},
	{4688, "4688 - A new process has been created."},
	{4688, "4688 - A new process has been created."},
	{4720, "4720 - A user account was created."},
	{4728, "4728 - A member was added to a security-enabled global group."},
	{4732, "4732 - A member was added to a security-enabled local group."},
	{4740, "4740 - A user account was locked out."},
	{4768, "4768 - A Kerberos authentication ticket (TGT) was requested."},
	{4769, "4769 - A Kerberos service ticket was requested."},
	{4776, "4776 - The computer attempted to validate the credentials for an account."},
	{1102, "1102 - The audit log was cleared."},
	{7045, "7045 - A service was installed in the system."},
}

type officeOp struct{ operation, workload, recordType string }

var officeOps = []officeOp{
	{"FileAccessed", "SharePoint", "SharePointFileOperation"},
	{"FileDownloaded", "OneDrive", "SharePointFileOperation"},
	{"FileUploaded", "SharePoint", "SharePointFileOperation"},
	{"SharingSet", "OneDrive", "SharePointSharingOperation"},
	{"MailItemsAccessed", "Exchange", "ExchangeItem"},
	{"New-InboxRule", "Exchange", "ExchangeAdmin"},
	{"Set-InboxRule", "Exchange", "ExchangeAdmin"},
	{"Set-Mailbox", "Exchange", "ExchangeAdmin"},
	{"Add-MailboxPermission", "Exchange", "ExchangeAdmin"},
	{"MemberAdded", "MicrosoftTeams", "MicrosoftTeams"},
	{"UserLoggedIn", "AzureActiveDirectory", "AzureActiveDirectoryStsLogon"},
}

type auditOp struct{ operation, category, service string }

var auditOps = []auditOp{
	{"Add member to role", "RoleManagement", "Core Directory"},
	{"Add user", "UserManagement", "Core Directory"},
	{"Update user", "UserManagement", "Core Directory"},
	{"Reset user password", "UserManagement", "Self-service Password Management"},
	{"Consent to application", "ApplicationManagement", "Core Directory"},
	{"Add service principal credentials", "ApplicationManagement", "Core Directory"},
	{"Add owner to application", "ApplicationManagement", "Core Directory"},
	{"Add member to role completed (PIM activation)", "RoleManagement", "PIM"},
}

var cefVendors = [][2]string{
	{"Palo Alto Networks", "PAN-OS"}, {"Fortinet", "Fortigate"}, {"Check Point", "VPN-1 & FireWall-1"},
	{"Zscaler", "NSSWeblog"}, {"Cisco", "ASA"},
}

type alert struct{ name, provider, product, tactic string }

var alerts = []alert{
	{"Suspicious PowerShell command line", "MDATP", "Microsoft Defender Advanced Threat Protection", "Execution"},
	{"Impossible travel activity", "MCAS", "Microsoft Cloud App Security", "InitialAccess"},
	{"Suspicious inbox forwarding rule", "OATP", "Office 365 Advanced Threat Protection", "Collection"},
	{"Unfamiliar sign-in properties", "IPC", "Azure Active Directory Identity Protection", "InitialAccess"},
	{"Password spray against multiple accounts", "ASI Scheduled Alerts", "Azure Sentinel", "CredentialAccess"},
}

type syslogLine struct{ facility, process, message string }

var syslogLines = []syslogLine{
	{"authpriv", "sshd", "Accepted publickey for azureuser from 10.0.0.5 port 50522 ssh2"},
	{"authpriv", "sshd", "Failed password for invalid user admin from 203.0.113.7 port 40112 ssh2"},
	{"authpriv", "sudo", "azureuser : TTY=pts/0 ; PWD=/home/azureuser ; USER=root ; COMMAND=/usr/bin/apt update"},
	{"cron", "CRON", "(root) CMD (run-parts /etc/cron.hourly)"},
	{"daemon", "systemd", "Started Daily apt download activities."},
	{"kern", "kernel", "[UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.23 DST=10.0.3.8 PROTO=TCP SPT=51234 DPT=22"},
}

var signInLocations = [][3]string{
	{"Seattle", "Washington", "US"}, {"Seattle", "Washington", "US"}, {"London", "England", "GB"},
	{"Amsterdam", "Noord-Holland", "NL"}, {"Moscow", "Moscow", "RU"},
}

// isSignIn reports whether table holds user sign-ins.
func isSignIn(table string) bool {
	return table == "SigninLogs" || table == "AADNonInteractiveUserSignInLogs"
}

// sentinelColumn returns the rule for a column of a Log Analytics table, if
// one knows it.
func sentinelColumn(table, name string, key uint64) (typed, bool) {
	user := func(r *row) *account { return &accounts[r.pick(kUser, len(accounts))] }
	switch {
	case isSignIn(table):
		res := func(r *row) *signInResult { return &signInResults[r.pick(kSignIn, len(signInResults))] }
		loc := func(r *row) [3]string {
			return signInLocations[r.pick(strHash("slot:signin-location"), len(signInLocations))]
		}
		switch name {
		case "ResultType":
			return str(func(r *row) string { return res(r).code }), true
		case "ResultDescription":
			return str(func(r *row) string { return res(r).failureReason }), true
		case "Status":
			return dyn(func(r *row) any {
				s := res(r)
				if s.code == "0" {
					return bag("errorCode", int64(0))
				}
				code, _ := strconv.ParseInt(s.code, 10, 64)
				return bag("errorCode", code, "failureReason", s.failureReason)
			}), true
		case "IsInteractive":
			return str(func(*row) string { return boolText(table == "SigninLogs") }), true
		case "UserDisplayName":
			return str(func(r *row) string { return user(r).display }), true
		case "UserId":
			return str(func(r *row) string { return accountObjectIDs[r.pick(kUser, len(accounts))] }), true
		case "AppDisplayName":
			return oneOf(key, []string{"Microsoft Office", "Office 365 Exchange Online", "Azure Portal", "Microsoft Teams", "Microsoft Authentication Broker", "Microsoft Azure CLI"}), true
		case "ClientAppUsed":
			return oneOf(key, []string{"Browser", "Browser", "Mobile Apps and Desktop clients", "Exchange ActiveSync", "IMAP4", "Authenticated SMTP"}), true
		case "ConditionalAccessStatus":
			return oneOf(key, []string{"success", "notApplied", "notApplied", "failure"}), true
		case "AuthenticationRequirement":
			return oneOf(key, []string{"singleFactorAuthentication", "multiFactorAuthentication"}), true
		case "RiskLevelDuringSignIn", "RiskLevelAggregated":
			return oneOf(key, []string{"none", "none", "none", "low", "medium", "high"}), true
		case "RiskState":
			return oneOf(key, []string{"none", "none", "none", "atRisk", "remediated", "dismissed"}), true
		case "UserType":
			return oneOf(key, []string{"Member", "Member", "Member", "Guest"}), true
		case "UserAgent":
			return oneOf(key, userAgents), true
		case "Location":
			return str(func(r *row) string { return loc(r)[2] }), true
		case "LocationDetails":
			return dyn(func(r *row) any {
				l := loc(r)
				return bag("city", l[0], "state", l[1], "countryOrRegion", l[2])
			}), true
		case "DeviceDetail":
			return dyn(func(r *row) any {
				d := devices[r.device(kDevice)]
				return bag("deviceId", deviceAadIDs[r.device(kDevice)], "displayName", d.name, "operatingSystem", d.os,
					"browser", "Edge 120.0.0", "isCompliant", true, "isManaged", true, "trustType", "Azure AD joined")
			}), true
		}
	case table == "SecurityEvent":
		ev := func(r *row) *winEvent { return &winEvents[r.pick(kWinEvent, len(winEvents))] }
		target := func(r *row) *account { return &accounts[r.pick(kTarget, len(accounts))] }
		switch name {
		case "EventID":
			return long(func(r *row) int64 { return ev(r).id }), true
		case "Activity":
			return str(func(r *row) string { return ev(r).activity }), true
		case "Account":
			return str(func(r *row) string { a := target(r); return strings.ToUpper(a.domain) + `\` + a.name }), true
		case "TargetUserName", "TargetAccount":
			return str(func(r *row) string { return target(r).name }), true
		case "TargetDomainName":
			return str(func(r *row) string { return strings.ToUpper(target(r).domain) }), true
		case "TargetUserSid", "TargetSid":
			return str(func(r *row) string { return target(r).sid }), true
		case "LogonType":
			return oneOfLong(key, []int64{2, 3, 3, 3, 5, 10}), true
		case "EventSourceName":
			return constant("Microsoft-Windows-Security-Auditing"), true
		case "Channel":
			return constant("Security"), true
		}
	case table == "OfficeActivity":
		op := func(r *row) *officeOp { return &officeOps[r.pick(kOffice, len(officeOps))] }
		switch name {
		case "Operation":
			return str(func(r *row) string { return op(r).operation }), true
		case "OfficeWorkload":
			return str(func(r *row) string { return op(r).workload }), true
		case "RecordType":
			return str(func(r *row) string { return op(r).recordType }), true
		case "UserId":
			return str(func(r *row) string { return user(r).upn }), true
		case "ResultStatus":
			return oneOf(key, []string{"Succeeded", "Succeeded", "Succeeded", "Failed"}), true
		}
	case table == "AuditLogs":
		op := func(r *row) *auditOp { return &auditOps[r.pick(kAudit, len(auditOps))] }
		switch name {
		case "OperationName", "ActivityDisplayName":
			return str(func(r *row) string { return op(r).operation }), true
		case "Category":
			return str(func(r *row) string { return op(r).category }), true
		case "LoggedByService":
			return str(func(r *row) string { return op(r).service }), true
		case "Result":
			return oneOf(key, []string{"success", "success", "success", "failure"}), true
		case "InitiatedBy":
			return dyn(func(r *row) any {
				a := user(r)
				return bag("user", bag("userPrincipalName", a.upn, "displayName", a.display,
					"id", accountObjectIDs[r.pick(kUser, len(accounts))], "ipAddress", r.remote().ip))
			}), true
		case "TargetResources":
			return dyn(func(r *row) any {
				a := &accounts[r.pick(kTarget, len(accounts))]
				return []any{bag("id", accountObjectIDs[r.pick(kTarget, len(accounts))], "displayName", a.display,
					"type", "User", "userPrincipalName", a.upn,
					"modifiedProperties", []any{bag("displayName", "Role.DisplayName", "oldValue", "", "newValue", `"Global Administrator"`)})}
			}), true
		}
	case table == "AzureActivity":
		switch name {
		case "OperationNameValue":
			return oneOf(key, []string{"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE",
				"MICROSOFT.KEYVAULT/VAULTS/WRITE", "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE",
				"MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION", "MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION"}), true
		case "ActivityStatusValue":
			return oneOf(key, []string{"Success", "Success", "Start", "Failure"}), true
		case "Caller":
			return str(func(r *row) string { return accounts[r.pick(kCaller, len(accounts))].upn }), true
		case "CallerIpAddress":
			return str(func(r *row) string { return r.remote().ip }), true
		}
	case table == "CommonSecurityLog":
		vendor := func(r *row) [2]string { return cefVendors[r.pick(kVendor, len(cefVendors))] }
		switch name {
		case "DeviceVendor":
			return str(func(r *row) string { return vendor(r)[0] }), true
		case "DeviceProduct":
			return str(func(r *row) string { return vendor(r)[1] }), true
		case "DeviceAction":
			return oneOf(key, []string{"allow", "allow", "allow", "deny", "drop", "reset-both"}), true
		case "Activity":
			return oneOf(key, []string{"TRAFFIC", "TRAFFIC", "THREAT", "URL"}), true
		case "SourceIP":
			return str(func(r *row) string { return devices[r.device(kDevice)].ip }), true
		case "DestinationIP":
			return str(func(r *row) string { return r.remote().ip }), true
		case "RequestURL":
			return str(func(r *row) string { return r.remote().url }), true
		case "ApplicationProtocol":
			return oneOf(key, []string{"ssl", "web-browsing", "dns", "ms-rdp", "smb"}), true
		}
	case table == "Syslog":
		line := func(r *row) *syslogLine { return &syslogLines[r.pick(kSyslog, len(syslogLines))] }
		switch name {
		case "Facility":
			return str(func(r *row) string { return line(r).facility }), true
		case "ProcessName":
			return str(func(r *row) string { return line(r).process }), true
		case "SyslogMessage":
			return str(func(r *row) string { return line(r).message }), true
		case "SeverityLevel":
			return oneOf(key, []string{"info", "info", "notice", "warning", "err"}), true
		case "HostName":
			return str(func(r *row) string { return devices[r.device(kDevice)].name }), true
		}
	case table == "SecurityAlert":
		al := func(r *row) *alert { return &alerts[r.pick(kAlert, len(alerts))] }
		switch name {
		case "AlertName", "DisplayName":
			return str(func(r *row) string { return al(r).name }), true
		case "ProviderName":
			return str(func(r *row) string { return al(r).provider }), true
		case "ProductName":
			return str(func(r *row) string { return al(r).product }), true
		case "Tactics":
			return str(func(r *row) string { return al(r).tactic }), true
		case "AlertSeverity":
			return oneOf(key, []string{"High", "Medium", "Medium", "Low", "Informational"}), true
		case "Status":
			return oneOf(key, []string{"New", "New", "InProgress", "Resolved"}), true
		case "Entities":
			return str(func(r *row) string {
				a := user(r)
				return `[{"$id":"2","Name":"` + a.name + `","UPNSuffix":"contoso.com","Type":"account"},{"$id":"3","Address":"` +
					r.remote().ip + `","Type":"ip"},{"$id":"4","HostName":"` + strings.SplitN(devices[r.device(kDevice)].name, ".", 2)[0] + `","Type":"host"}]`
			}), true
		}
	case table == "SecurityIncident":
		switch name {
		case "Status":
			return oneOf(key, []string{"New", "Active", "Closed"}), true
		case "Classification":
			return oneOf(key, []string{"", "", "TruePositive", "FalsePositive", "BenignPositive", "Undetermined"}), true
		case "IncidentNumber":
			return long(func(r *row) int64 { return int64(r.n) + 1 }), true
		}
	}
	switch name {
	case "Computer":
		// The host of Windows, Linux and agent tables (SecurityEvent,
		// Event, Syslog, Heartbeat, W3CIISLog, VMConnection, ...).
		return str(func(r *row) string { return devices[r.device(kDevice)].name }), true
	}
	return typed{}, false
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// sentinelTable reports whether table is one of the built-in Log Analytics
// tables, whose columns sentinelColumn knows.
func sentinelTable(table string) bool { return schema.Sentinel().Table(table) != nil }
