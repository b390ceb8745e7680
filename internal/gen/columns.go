package gen

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// colFunc returns the value of one column for the row r, boxed as package
// value describes for the type the rule chose.
type colFunc func(r *row) any

// typed is a rule's generator and the type of the values it returns,
// which adapt converts to the column's type when they differ.
type typed struct {
	f colFunc
	t schema.Type
}

// columnFunc returns the generator of column c of table: the first rule
// that knows c's name, else the rule for c's type, converted to c's type,
// with a few nulls when the column is optional.
func columnFunc(table string, c schema.Column) colFunc {
	key := strHash(c.Name)
	g, ok := byName(table, c.Name, key)
	if !ok {
		g = byType(c, key)
	}
	f := adapt(g, c, key)
	if !required[c.Name] {
		f = sometimesNull(f, c.Type, key)
	}
	return f
}

// required are the columns that are never null: the ones every hunt reads
// and Defender always fills.
var required = map[string]bool{
	"Timestamp": true, "TimeGenerated": true, "DeviceId": true, "DeviceName": true, "ActionType": true,
	"ReportId": true, "Type": true, "TenantId": true, "FileName": true, "InitiatingProcessFileName": true,
	"AlertId": true, "Title": true, "Severity": true, "Category": true, "NetworkMessageId": true,
}

// nullPerMille is how often an optional value is null, in thousandths.
const nullPerMille = 30

var kNull = strHash("null")

func sometimesNull(f colFunc, t schema.Type, key uint64) colFunc {
	k := key ^ kNull
	return func(r *row) any {
		if r.hash(k)%1000 < nullPerMille {
			if t == schema.String {
				return ""
			}
			return nil
		}
		return f(r)
	}
}

// Helpers that build rules.

func str(f func(r *row) string) typed { return typed{func(r *row) any { return f(r) }, schema.String} }
func long(f func(r *row) int64) typed { return typed{func(r *row) any { return f(r) }, schema.Long} }
func dyn(f func(r *row) any) typed    { return typed{f, schema.Dynamic} }
func constant(s string) typed         { return str(func(*row) string { return s }) }

func oneOf(key uint64, list []string) typed {
	return str(func(r *row) string { return list[r.pick(key, len(list))] })
}

func oneOfLong(key uint64, list []int64) typed {
	return long(func(r *row) int64 { return list[r.pick(key, len(list))] })
}

func between(key uint64, lo, hi int64) typed {
	return long(func(r *row) int64 { return lo + int64(r.hash(key)%uint64(hi-lo+1)) })
}

func datetime(f func(r *row) value.Datetime) typed {
	return typed{func(r *row) any { return f(r) }, schema.Datetime}
}

// before returns datetimes up to span ticks before the row's Timestamp,
// and at least min before it.
func before(key uint64, minTicks, span int64) typed {
	return datetime(func(r *row) value.Datetime {
		return r.ts - value.Datetime(minTicks) - value.Datetime(r.hash(key)%uint64(span))
	})
}

// Entity slots. Columns that describe the same entity within a row read
// the same slot, so they agree.

var (
	kDevice       = strHash("slot:device")
	kRemoteDevice = strHash("slot:remote-device")
	kRemote       = strHash("slot:remote")
	kAction       = strHash("ActionType")
)

func (r *row) device(slot uint64) int { return r.pick(slot, len(devices)) }

func (r *row) account(slot uint64) *account { return &accounts[r.pick(slot, len(accounts))] }

func (r *row) remote() *remote { return &remotes[r.pick(kRemote, len(remotes))] }

// action returns the row's ActionType, which AdditionalFields follows.
func (r *row) action() string {
	list := actionTypes[r.name]
	if list == nil {
		list = genericActions
	}
	return list[r.pick(kAction, len(list))]
}

// byName returns the rule for a column name, if one knows it.
func byName(table, name string, key uint64) (typed, bool) {
	if sentinelTable(table) {
		if g, ok := sentinelColumn(table, name, key); ok {
			return g, true
		}
	}
	if g, ok := processColumn(table, name); ok {
		return g, true
	}
	if g, ok := accountColumn(name); ok {
		return g, true
	}
	switch name {
	// Time and the Sentinel columns.
	case "Timestamp":
		return datetime(func(r *row) value.Datetime { return r.ts }), true
	case "TimeGenerated":
		return datetime(func(r *row) value.Datetime {
			return r.ts + value.Datetime(r.hash(key)%uint64(30*value.Second))
		}), true
	case "Type":
		return constant(table), true
	case "TenantId", "AccountTenantId", "ResourceTenantId", "AppOwnerTenantId":
		return constant("4c1a2c6e-1f0b-4d7e-9a3b-5e2f8c7d6a10"), true
	case "SourceSystem":
		return constant("Azure"), true
	case "ReportId":
		// Unique within the table, like Defender's per-device counter.
		return long(func(r *row) int64 { return int64(r.n)*1000 + int64(r.hash(key)%1000) + 1 }), true

	// Devices.
	case "DeviceId", "MachineId":
		return str(func(r *row) string { return deviceIDs[r.device(kDevice)] }), true
	case "DeviceName", "ComputerName":
		return str(func(r *row) string { return devices[r.device(kDevice)].name }), true
	case "AadDeviceId", "EntraIdDeviceId":
		return str(func(r *row) string { return deviceAadIDs[r.device(kDevice)] }), true
	case "MachineGroup":
		return str(func(r *row) string { return devices[r.device(kDevice)].group }), true
	case "OSPlatform":
		return str(func(r *row) string { return devices[r.device(kDevice)].os }), true
	case "OSVersion":
		return str(func(r *row) string { return devices[r.device(kDevice)].osVersion }), true
	case "OSBuild":
		return long(func(r *row) int64 { return devices[r.device(kDevice)].build }), true
	case "OSArchitecture":
		return constant("64-bit"), true
	case "DeviceType":
		return str(func(r *row) string { return devices[r.device(kDevice)].deviceType }), true
	case "DeviceCategory":
		return oneOf(key, []string{"Endpoint", "Endpoint", "Endpoint", "NetworkDevice", "IoT"}), true
	case "OnboardingStatus":
		return oneOf(key, []string{"Onboarded", "Onboarded", "Onboarded", "Can be onboarded", "Unsupported"}), true
	case "SensorHealthState":
		return oneOf(key, []string{"Active", "Active", "Active", "Inactive", "Misconfigured", "No sensor data"}), true
	case "ExposureLevel":
		return oneOf(key, []string{"Low", "Medium", "High", "None"}), true
	case "JoinType":
		return oneOf(key, []string{"Domain Joined", "AAD Joined", "Hybrid Azure AD Join", "AAD Registered"}), true
	case "ClientVersion":
		return oneOf(key, []string{"10.8760.22621.3155", "10.8735.19041.4046", "30.124012.0001.0076"}), true
	case "PublicIP":
		return str(func(r *row) string { return devices[r.device(kDevice)].publicIP }), true
	case "LocalIP":
		return str(func(r *row) string { return devices[r.device(kDevice)].ip }), true
	case "LocalIPType":
		return constant("Private"), true
	case "MacAddress":
		return str(func(r *row) string { return deviceMACs[r.device(kDevice)] }), true
	case "LoggedOnUsers":
		return dyn(func(r *row) any {
			a := r.account(key)
			return []any{bag("UserName", a.name, "DomainName", strings.ToUpper(a.domain), "Sid", a.sid)}
		}), true
	case "IPAddresses":
		return dyn(func(r *row) any {
			d := devices[r.device(kDevice)]
			return []any{
				bag("IPAddress", d.ip, "SubnetPrefix", int64(24), "AddressType", "Private"),
				bag("IPAddress", "fe80::"+hexOf(r.hash(key), 4)+":"+hexOf(r.hash(key+1), 4), "SubnetPrefix", int64(64), "AddressType", "LinkLocal"),
			}
		}), true
	case "ConnectedNetworks":
		return dyn(func(r *row) any {
			return []any{bag("Name", "contoso.com", "Description", "contoso.com", "IsConnectedToInternet", true, "Category", "Domain")}
		}), true
	case "IPv4Dhcp":
		return constant("10.0.0.1"), true
	case "IPv6Dhcp":
		return constant(""), true
	case "DnsAddresses", "DefaultGateways":
		return dyn(func(r *row) any { return []any{"10.0.0.1"} }), true
	case "NetworkAdapterStatus":
		return oneOf(key, []string{"Up", "Up", "Down"}), true
	case "NetworkAdapterType":
		return oneOf(key, []string{"Ethernet", "Wireless80211", "Tunnel"}), true
	case "TunnelType":
		return oneOf(key, []string{"None", "None", "Teredo", "6to4"}), true
	case "RemoteDeviceName", "RemoteComputerName", "DestinationDeviceName", "TargetDeviceName", "SourceDeviceName":
		return str(func(r *row) string { return devices[r.device(kRemoteDevice)].name }), true
	case "TargetDeviceId", "SourceDeviceId":
		return str(func(r *row) string { return deviceIDs[r.device(kRemoteDevice)] }), true
	case "DestinationIPAddress":
		return str(func(r *row) string { return devices[r.device(kRemoteDevice)].ip }), true

	// Network.
	case "ActionType":
		return str(func(r *row) string { return r.action() }), true
	case "RemoteIP", "IPAddress", "IpAddress", "SourceIPAddress", "RequestSourceIP", "FileOriginIP", "SenderIPv4", "ClientIP", "ClientIPAddress":
		return str(func(r *row) string { return r.remote().ip }), true
	case "SenderIPv6":
		return oneOf(key, []string{"", "", "2a01:111:f400:7e1b::205", "2603:10a6:208:c1::15"}), true
	case "RemoteIPType":
		return str(func(r *row) string { return r.remote().ipType }), true
	case "RemoteUrl":
		return str(func(r *row) string { return r.remote().url }), true
	case "RemotePort", "DestinationPort", "Port":
		return oneOfLong(key, remotePorts), true
	case "LocalPort", "SourcePort", "RequestSourcePort":
		return between(key, 49152, 65535), true
	case "Protocol":
		list := protocolsByTable[table]
		if list == nil {
			list = protocolsByTable["DeviceNetworkEvents"]
		}
		return oneOf(key, list), true
	case "Url", "FileOriginUrl", "FileOriginReferrerUrl", "RequestUri", "SiteUrl", "UrlChain":
		return str(func(r *row) string { return fullURL(remotes[r.pick(key, len(remotes))].url) }), true
	case "UrlDomain", "DomainName", "SourceUrlDomain", "TargetUrlDomain", "DnsQuery", "QueryTarget":
		return str(func(r *row) string {
			u := remotes[r.pick(key, len(remotes))].url
			if i := strings.Index(u, "://"); i >= 0 {
				u = u[i+3:]
			}
			u, _, _ = strings.Cut(u, "/")
			return u
		}), true
	case "UserAgent", "UserAgentHeader":
		return oneOf(key, userAgents), true
	case "Country", "CountryCode":
		return oneOf(key, countries), true
	case "City", "CityName":
		return oneOf(key, cities), true
	case "ISP", "Isp":
		return oneOf(key, []string{"Microsoft Corporation", "Amazon.com", "Cloudflare", "Comcast Cable", "Hetzner Online GmbH"}), true
	case "Location":
		return oneOf(key, []string{"US", "GB", "DE", "Seattle, Washington, US", ""}), true
	case "ShareName":
		return oneOf(key, []string{`\\*\ADMIN$`, `\\*\C$`, `\\*\IPC$`, `\\*\SYSVOL`, `\\*\Shares`}), true
	case "RequestProtocol":
		return oneOf(key, []string{"Local", "Local", "SMB", "NFS", "Unknown"}), true

	// Logons.
	case "LogonType":
		return oneOf(key, logonTypes), true
	case "FailureReason":
		return oneOf(key, failureReasons), true
	case "LogonId", "InitiatingProcessLogonId", "SessionId", "InitiatingProcessSessionId", "CreatedProcessSessionId":
		return between(key, 0, 999_999), true
	case "Application":
		return oneOf(key, applications), true
	case "AdditionalFields", "RawEventData", "Context", "ExtendedProperties":
		return dyn(func(r *row) any { return additionalFields(r, table, key) }), true

	// Registry.
	case "RegistryKey", "PreviousRegistryKey":
		return oneOf(key, registryKeys), true
	case "RegistryValueName", "PreviousRegistryValueName":
		return oneOf(key, registryValueNames), true
	case "RegistryValueData", "PreviousRegistryValueData":
		return oneOf(key, registryValueData), true
	case "RegistryValueType":
		return oneOf(key, []string{"String", "String", "Dword", "ExpandString", "Binary", "MultiString", "None"}), true

	// Files.
	case "PreviousFileName":
		return str(func(r *row) string { return documentFiles[r.pick(key, len(documentFiles))].name }), true
	case "PreviousFolderPath":
		return str(func(r *row) string { return documentFiles[r.pick(key, len(documentFiles))].path }), true
	case "FileType":
		return oneOf(key, []string{"PortableExecutable", "Document", "Script", "Archive", "Text", ""}), true
	case "SensitivityLabel", "SensitivitySubLabel", "AppGuardContainerId":
		return oneOf(key, []string{"", "", "", "Confidential", "General"}), true
	case "IsSigned":
		return typed{func(r *row) any { return r.hash(key)%5 != 0 }, schema.Bool}, true
	case "Signer":
		return str(func(r *row) string { return programFiles[r.pick(key, len(programFiles))].signer }), true
	case "Issuer":
		return str(func(r *row) string { return programFiles[r.pick(key, len(programFiles))].issuer }), true
	case "SignerHash", "IssuerHash", "CertificateSerialNumber", "Thumbprint":
		return str(func(r *row) string { return hexOf(r.hash(key), 40) }), true
	case "SignatureType":
		return oneOf(key, []string{"Embedded", "Embedded", "Catalog", "Unsigned"}), true
	case "CrlDistributionPointUrls":
		return dyn(func(r *row) any {
			return []any{"http://crl.microsoft.com/pki/crl/products/MicWinProPCA2011_2011-10-19.crl"}
		}), true

	// E-mail.
	case "SenderFromAddress", "SenderMailFromAddress", "RecipientEmailAddress", "EmailAddress", "AccountEmail", "SenderEmailAddress":
		return str(func(r *row) string {
			a := r.account(key)
			return strings.ReplaceAll(a.name, " ", ".") + "@" + emailDomains[r.pick(key+1, len(emailDomains))]
		}), true
	case "SenderFromDomain", "SenderMailFromDomain":
		return oneOf(key, emailDomains), true
	case "SenderDisplayName":
		return str(func(r *row) string { return r.account(key).display }), true
	case "Subject", "EmailSubject", "MessageSubject":
		return oneOf(key, emailSubjects), true
	case "NetworkMessageId", "MessageId":
		return str(func(r *row) string { return guidOf(r.hash(key)) }), true
	case "InternetMessageId":
		return str(func(r *row) string {
			return "<" + hexOf(r.hash(key), 24) + "@" + emailDomains[r.pick(key+1, len(emailDomains))] + ">"
		}), true
	case "EmailDirection":
		return oneOf(key, []string{"Inbound", "Inbound", "Outbound", "Intra-org"}), true
	case "DeliveryAction", "LatestDeliveryAction":
		return oneOf(key, []string{"Delivered", "Delivered", "Delivered", "Junked", "Blocked", "Replaced"}), true
	case "DeliveryLocation", "LatestDeliveryLocation":
		return oneOf(key, []string{"Inbox/folder", "Inbox/folder", "Junk folder", "Quarantine", "Deleted items", "Failed", "Dropped"}), true
	case "EmailAction":
		return oneOf(key, []string{"No action taken", "Move to junk mail folder", "Send to quarantine", "Replace attachment"}), true
	case "OrgLevelAction", "UserLevelAction":
		return oneOf(key, []string{"", "", "Allow", "Block", "Move to junk"}), true
	case "EmailLanguage":
		return oneOf(key, []string{"en", "en", "de", "fr", "nl"}), true
	case "ThreatTypes":
		return oneOf(key, []string{"", "", "Phish", "Malware", "Spam", "Phish, Malware"}), true
	case "ThreatNames":
		return oneOf(key, []string{"", "", "Trojan:Win32/Wacatac.B!ml", "Phish:HTML/Fakeoffice"}), true
	case "DetectionMethods":
		return dyn(func(r *row) any {
			switch r.hash(key) % 3 {
			case 0:
				return bag("Phish", []any{"URL detonation reputation", "Advanced filter"})
			case 1:
				return bag("Malware", []any{"File detonation"})
			}
			return bag()
		}), true
	case "ConfidenceLevel":
		return dyn(func(r *row) any { return bag("Phish", "High", "Spam", "Normal") }), true
	case "AuthenticationDetails":
		return dyn(func(r *row) any {
			v := []string{"pass", "pass", "fail", "none"}
			return bag("SPF", v[r.pick(key, 4)], "DKIM", v[r.pick(key+1, 4)], "DMARC", v[r.pick(key+2, 4)], "CompAuth", v[r.pick(key+3, 4)])
		}), true
	case "EmailClusterId":
		return between(key, 1_000_000_000, 9_999_999_999), true
	case "BulkComplaintLevel":
		return between(key, 0, 9), true
	case "AttachmentCount", "UrlCount", "EmailAttachmentCount":
		return between(key, 0, 5), true

	// Alerts.
	case "AlertId":
		return str(func(r *row) string { return "da" + strconv.FormatUint(r.hash(key)%1_000_000_000_000_000_000, 10) }), true
	case "Title":
		return oneOf(key, alertTitles), true
	case "Category":
		return oneOf(key, alertCategories), true
	case "Categories":
		return dyn(func(r *row) any { return []any{alertCategories[r.pick(key, len(alertCategories))]} }), true
	case "Severity":
		return oneOf(key, severities), true
	case "ServiceSource":
		return oneOf(key, serviceSources), true
	case "DetectionSource":
		return oneOf(key, detectionSources), true
	case "AttackTechniques":
		return oneOf(key, attackTechniques), true
	case "EntityType":
		return oneOf(key, entityTypes), true
	case "EvidenceRole":
		return oneOf(key, []string{"Impacted", "Related"}), true
	case "EvidenceDirection":
		return oneOf(key, []string{"", "Source", "Destination"}), true
	case "ThreatFamily":
		return oneOf(key, []string{"", "", "Mimikatz", "LockBit", "CobaltStrike", "Qakbot"}), true
	}
	return typed{}, false
}

// processColumn handles the columns that describe a process or a file:
// FileName, FolderPath, SHA1, ..., ProcessCommandLine, ProcessId, ...,
// InitiatingProcessFileName, ..., InitiatingProcessParentId, ... A prefix
// names the process; the columns of one prefix agree within a row.
func processColumn(table, name string) (typed, bool) {
	prefix, attr := "", name
	for _, p := range []string{"InitiatingProcessParent", "InitiatingProcess", "ParentProcess", "Process"} {
		if strings.HasPrefix(name, p) {
			prefix, attr = p, name[len(p):]
			break
		}
	}
	if prefix == "ParentProcess" {
		prefix = "InitiatingProcessParent"
	}
	if attr == "Name" && prefix != "" {
		attr = "FileName"
	}
	// The unprefixed columns are the created process in
	// DeviceProcessEvents, a library in DeviceImageLoadEvents and a file
	// elsewhere.
	pool := programFiles
	slotName := prefix
	switch {
	case prefix != "":
	case table == "DeviceProcessEvents":
		slotName = "Process"
	case table == "DeviceImageLoadEvents":
		pool = libraryFiles
	default:
		pool = anyFiles
	}
	slot := strHash("slot:process:" + slotName)
	ent := func(r *row) *file { return pool[r.pick(slot, len(pool))] }
	key := strHash(name)
	fileStr := func(f func(*file) string) typed { return str(func(r *row) string { return f(ent(r)) }) }

	switch attr {
	case "FileName":
		return fileStr(func(f *file) string { return f.name }), true
	case "FolderPath":
		return fileStr(func(f *file) string { return f.path }), true
	case "SHA1":
		return fileStr(func(f *file) string { return f.sha1 }), true
	case "SHA256":
		return fileStr(func(f *file) string { return f.sha256 }), true
	case "MD5":
		return fileStr(func(f *file) string { return f.md5 }), true
	case "FileSize":
		return long(func(r *row) int64 { return ent(r).size }), true
	case "VersionInfoCompanyName":
		return fileStr(func(f *file) string { return f.company }), true
	case "VersionInfoProductName":
		return fileStr(func(f *file) string { return f.product }), true
	case "VersionInfoProductVersion":
		return fileStr(func(f *file) string { return f.version }), true
	case "VersionInfoFileDescription":
		return fileStr(func(f *file) string { return f.desc }), true
	case "VersionInfoInternalFileName", "VersionInfoOriginalFileName":
		return fileStr(func(f *file) string { return f.original }), true
	case "CurrentWorkingDirectory":
		return fileStr(func(f *file) string { return f.dir }), true
	}
	if prefix == "" {
		return typed{}, false
	}
	switch attr {
	case "CommandLine":
		return str(func(r *row) string {
			f := ent(r)
			return f.cmds[r.pick(slot^kCmd, len(f.cmds))]
		}), true
	case "Id":
		return long(func(r *row) int64 { return int64(r.hash(slot^kPid)%8000+1) * 4 }), true
	case "CreationTime":
		// The parent started before the process, which started before
		// the event.
		var lo, span int64
		switch prefix {
		case "Process":
			lo, span = 0, 60*value.Second
		case "InitiatingProcess":
			lo, span = value.Minute, value.Hour
		default:
			lo, span = value.Hour, value.Day
		}
		return before(slot^kCreated, lo, span), true
	case "IntegrityLevel":
		return oneOf(slot^key, integrityLevels), true
	case "TokenElevation":
		return oneOf(slot^key, tokenElevations), true
	case "SignatureStatus":
		return oneOf(slot^key, signatureStatuses), true
	case "SignerType":
		return oneOf(slot^key, signerTypes), true
	case "RemoteSessionDeviceName":
		return str(func(r *row) string {
			if r.hash(key)%10 != 0 {
				return ""
			}
			return devices[r.device(kRemoteDevice)].name
		}), true
	case "RemoteSessionIP":
		return str(func(r *row) string {
			if r.hash(strHash(prefix+"RemoteSessionDeviceName"))%10 != 0 {
				return ""
			}
			return devices[r.device(kRemoteDevice)].ip
		}), true
	case "UniqueId":
		return between(key, 1, 1<<40), true
	}
	return typed{}, false
}

var (
	kCmd     = strHash("cmd")
	kPid     = strHash("pid")
	kCreated = strHash("created")
)

// accountColumn handles AccountName, AccountSid, InitiatingProcessAccountUpn,
// TargetAccountDisplayName and the like: a prefix before "Account" names
// the account, whose columns agree within a row.
func accountColumn(name string) (typed, bool) {
	prefix, attr, ok := strings.Cut(name, "Account")
	if !ok {
		switch name {
		case "UserName", "SourceUserName", "User":
			prefix, attr = "User", "Name"
		case "UserSid", "SourceUserSid", "Sid":
			prefix, attr = "User", "Sid"
		case "UserPrincipalName":
			prefix, attr = "User", "Upn"
		default:
			return typed{}, false
		}
	}
	slot := strHash("slot:account:" + prefix)
	acct := func(f func(a *account, r *row) string) typed {
		return str(func(r *row) string { i := r.pick(slot, len(accounts)); return f(&accounts[i], r) })
	}
	switch attr {
	case "Name":
		return acct(func(a *account, _ *row) string { return a.name }), true
	case "Domain":
		return acct(func(a *account, _ *row) string { return a.domain }), true
	case "Sid":
		return acct(func(a *account, _ *row) string { return a.sid }), true
	case "Upn":
		return acct(func(a *account, _ *row) string { return a.upn }), true
	case "DisplayName":
		return acct(func(a *account, _ *row) string { return a.display }), true
	case "ObjectId", "Id":
		return str(func(r *row) string { return accountObjectIDs[r.pick(slot, len(accounts))] }), true
	}
	return typed{}, false
}

// byType is the rule for a column no name rule knows: a value of its type,
// shaped by hints in the name.
func byType(c schema.Column, key uint64) typed {
	name := c.Name
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.HasSuffix(name, x) {
				return true
			}
		}
		return false
	}
	switch c.Type {
	case schema.Bool:
		return typed{func(r *row) any { return r.hash(key)&1 == 0 }, schema.Bool}
	case schema.Int, schema.Long:
		switch {
		case has("Count", "Level", "Score", "Status", "State", "Type", "Index"):
			return between(key, 0, 10)
		case has("Size", "Length", "Bytes"):
			return between(key, 0, 5_000_000)
		}
		return between(key, 0, 100_000)
	case schema.Real:
		return typed{func(r *row) any { return float64(r.hash(key)%10000) / 100 }, c.Type}
	case schema.Decimal:
		return typed{func(r *row) any {
			d, _ := value.DecimalFromInt(int64(r.hash(key) % 10000)).Div(value.DecimalFromInt(100))
			return d
		}, c.Type}
	case schema.Datetime:
		if strings.Contains(name, "Expiration") || strings.Contains(name, "EndOfSupport") || strings.Contains(name, "Expiry") {
			return datetime(func(r *row) value.Datetime {
				return r.now + value.Datetime(r.hash(key)%uint64(365*value.Day))
			})
		}
		return before(key, 0, 30*value.Day)
	case schema.Timespan:
		return typed{func(r *row) any { return value.Timespan(r.hash(key) % uint64(value.Hour)) }, schema.Timespan}
	case schema.Guid:
		return str(func(r *row) string { return guidOf(r.hash(key)) })
	case schema.Dynamic:
		if strings.HasSuffix(name, "s") && !strings.HasSuffix(name, "ss") {
			return dyn(func(r *row) any {
				return []any{wordFor(name, r.hash(key)), wordFor(name, r.hash(key+1))}
			})
		}
		return dyn(func(r *row) any {
			return bag("Name", wordFor(name, r.hash(key)), "Value", int64(r.hash(key+1)%100), "IsEnabled", r.hash(key+2)&1 == 0)
		})
	}
	// Strings.
	switch {
	case has("Id", "Guid"):
		return str(func(r *row) string { return guidOf(r.hash(key)) })
	case has("Hash"):
		return str(func(r *row) string { return hexOf(r.hash(key), 40) })
	case has("Url", "Uri"):
		return str(func(r *row) string { return fullURL(remotes[r.pick(key, len(remotes))].url) })
	case has("IP", "Ip", "IPAddress"):
		return str(func(r *row) string { return remotes[r.pick(key, len(remotes))].ip })
	case has("Upn", "Email", "Address"):
		return str(func(r *row) string { return accounts[r.pick(key, 6)].upn })
	case has("Path", "Directory"):
		return str(func(r *row) string { return anyFiles[r.pick(key, len(anyFiles))].dir })
	case has("Version"):
		return str(func(r *row) string {
			return "1." + strconv.Itoa(r.pick(key, 10)) + "." + strconv.Itoa(r.pick(key+1, 1000))
		})
	case has("Time", "Date"):
		return str(func(r *row) string {
			return (r.ts - value.Datetime(r.hash(key)%uint64(30*value.Day))).String()
		})
	}
	return str(func(r *row) string { return wordFor(name, r.hash(key)) })
}

// fullURL returns u with a scheme and a path: RemoteUrl values are often
// bare host names, other URL columns are not.
func fullURL(u string) string {
	if u != "" && !strings.Contains(u, "://") {
		u = "https://" + u + "/"
	}
	return u
}

// wordFor returns a plausible text for a column no rule knows, such as
// "model-bravo" for Model.
func wordFor(name string, h uint64) string {
	return strings.ToLower(name) + "-" + words[h%uint64(len(words))]
}

// bag returns a property bag of key/value pairs.
func bag(kv ...any) *value.Bag {
	b := &value.Bag{}
	for i := 0; i+1 < len(kv); i += 2 {
		b.Set(kv[i].(string), kv[i+1])
	}
	return b
}
