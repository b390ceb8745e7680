package main

import (
	"net/netip"
	"regexp"
	"strings"
	"unicode"
)

// skip is a fact that did not become a condition, and why.
type skip struct {
	Tool *tool
	origin
	Fact   string
	Reason string
}

// Reasons for leaving facts out. SKIPPED.md groups facts by these texts, so
// each is a complete sentence fragment that reads after "skipped: ".
const (
	rsUserManaged       = "user_managed: the tool connects to a server its operator runs, so there is no fixed domain"
	rsPlaceholder       = "a placeholder for an operator-chosen server, not a domain"
	rsIP                = "an IP address listed as a domain; addresses change owners, and RemoteUrl holds names"
	rsBareWord          = "a bare word, not a domain (it has no dot)"
	rsRegex             = "regular-expression syntax, which a glob-to-KQL translation cannot take exactly"
	rsPort              = "a domain with a port; RemoteUrl's host is matched without ports"
	rsMalformed         = "not a well-formed domain name"
	rsPlatform          = "a domain of a large platform (cloud, CDN, code hosting, a big vendor's services) that benign software reaches every day"
	rsShared            = "a shared service endpoint (cloud storage, messaging, STUN) used by many unrelated tenants"
	rsPortal            = "a page on a third-party download portal, not the tool's own traffic"
	rsNotProgram        = "not a program file, so no process is created from it"
	rsDiskArtifact      = "a file or folder the tool writes (log, configuration, data), not a program; this pack has no file-event rules"
	rsGenericName       = "a generic program name that unrelated software also uses"
	rsBuiltin           = "a program built into Windows, which runs on hosts that never had the tool"
	rsShortName         = "a program name too short to tell the tool from other programs"
	rsFewLiterals       = "a name pattern with too little fixed text to be specific"
	rsPlaceholderName   = "a name with a placeholder for a part the operator chooses"
	rsHash              = "a hash, not a file name or path"
	rsNotPath           = "neither a program file name nor a folder"
	rsMalformedPath     = "a malformed path (a stray %)"
	rsGenericDir        = "a folder with no part that names the tool"
	rsProse             = "prose about the file, not its PE FileDescription"
	rsUnnamedDesc       = "a PE FileDescription that does not name the tool, too generic to match alone"
	rsPEOther           = "a PE field this pack does not match on"
	rsPlatformName      = "names a large vendor whose software runs on most hosts"
	rsUncorrob          = "a signer that nothing else in the tool's entry names (not its name, website, domains, paths or PE data, nor the signed file's company): likely a bundled or mis-attributed file"
	rsBogusSigner       = "not a real code-signing subject (a certificate authority, a placeholder or a truncated name)"
	rsBundler           = "signs installers that bundle many unrelated programs"
	rsNetProcess        = "a condition on the initiating process of a network query other than its company; the network rule takes the program's file names from the process facts"
	rsNetPublisherAlone = "a condition on the company of a network query's initiating process, for a tool with no exact program file name to pair it with"
)

// platformDomains are registrable domains of platforms that benign traffic
// reaches constantly. A fact equal to one of them, or a wildcard on one,
// is left out; a tool-specific host below one (remotedesktop.google.com, a
// tenant's bucket) is kept.
var platformDomains = setOf(
	"microsoft.com", "windows.com", "windows.net", "windowsupdate.com", "live.com", "office.com", "office365.com",
	"azure.com", "azurewebsites.net", "azureedge.net", "cloudapp.net", "visualstudio.com", "msn.com", "bing.com",
	"google.com", "googleapis.com", "gstatic.com", "googleusercontent.com", "youtube.com",
	"amazonaws.com", "amazon.com", "cloudfront.net", "akamai.net", "akamaiedge.net", "akamaihd.net", "akamaized.net",
	"edgekey.net", "edgesuite.net", "fastly.net", "cloudflare.com", "cloudflare.net", "cloudflarestorage.com",
	"github.com", "githubusercontent.com", "github.io", "ghcr.io", "pages.dev", "workers.dev", "web.app",
	"firebaseapp.com", "herokuapp.com", "apple.com", "icloud.com", "mozilla.org", "apache.org",
)

// sharedServices are service hosts below platform domains that many tenants
// share: a wildcard on them or the bare host is left out, a tenant's own
// host below them is kept.
var sharedServices = setOf(
	"s3.amazonaws.com", "blob.core.windows.net", "servicebus.windows.net", "r2.cloudflarestorage.com",
	"cdn.cloudflare.net", "raw.githubusercontent.com", "objects.githubusercontent.com",
	"support.services.microsoft.com", "stunserver.stunprotocol.org",
)

// portals are download portals: everything below them is left out.
var portals = setOf("softonic.com", "informer.com")

// vendorDomains are domains a vendor uses for many products besides the
// tool, and domains of services that are not remote-access tools, with the
// reason to leave them out. Keys ending in "/" cover the domain and
// everything below it; the others only the domain itself (and a wildcard
// on it), so that a tool-specific host such as assist.zoho.com is kept.
var vendorDomains = map[string]string{
	"zoho.com":                     "a vendor-wide domain: Zoho's suite domain (mail, CRM and dozens of other services)",
	"zoho.eu":                      "a vendor-wide domain: Zoho's suite domain (mail, CRM and dozens of other services)",
	"zoho.in":                      "a vendor-wide domain: Zoho's suite domain (mail, CRM and dozens of other services)",
	"zoho.com.au":                  "a vendor-wide domain: Zoho's suite domain (mail, CRM and dozens of other services)",
	"zoho.com.cn":                  "a vendor-wide domain: Zoho's suite domain (mail, CRM and dozens of other services)",
	"zohocdn.com/":                 "a vendor-wide domain: Zoho's static content and downloads for all its products",
	"zohostatic.in/":               "a vendor-wide domain: Zoho's static content for all its products",
	"zohowebstatic.com/":           "a vendor-wide domain: Zoho's static content for all its products",
	"zohopublic.com/":              "a vendor-wide domain: Zoho's public content for all its products",
	"zohopublic.eu/":               "a vendor-wide domain: Zoho's public content for all its products",
	"zohodl.com.cn/":               "a vendor-wide domain: Zoho's downloads for all its products",
	"manageengine.com":             "a vendor-wide domain: ManageEngine's domain for all of its IT products",
	"sophos.com/":                  "a vendor-wide domain: Sophos' cloud and update domain, reached by every Sophos-protected host",
	"sophosupd.com/":               "a vendor-wide domain: Sophos' update domain, reached by every Sophos-protected host",
	"sophosupd.net/":               "a vendor-wide domain: Sophos' update domain, reached by every Sophos-protected host",
	"parallels.com":                "a vendor-wide domain: Parallels' domain for all its products (Parallels Desktop and others)",
	"goto.com/":                    "a vendor-wide domain: GoTo's domain, used by its meeting, webinar and phone products",
	"getgo.com/":                   "a vendor-wide domain: GoTo's domain, used by its meeting, webinar and phone products",
	"goto-rtc.com/":                "a vendor-wide domain: GoTo's real-time media domain, used by its meeting and phone products",
	"ivanti.com":                   "a vendor-wide domain: Ivanti's domain for all its products (VPN, endpoint management and others)",
	"content.ivanti.com":           "a vendor-wide domain: Ivanti's content delivery for all its products",
	"ivanticloud.com":              "a vendor-wide domain: Ivanti's cloud domain for all its products",
	"licenseserver.solarwinds.com": "a vendor-wide domain: SolarWinds' license server for all its products",
	"freshworks.com/":              "a vendor-wide domain: Freshworks' platform domain, used by Freshdesk, Freshchat, Freshsales and the chat widgets of other sites",
	"freshworksapi.com/":           "a vendor-wide domain: Freshworks' platform domain, used by Freshdesk, Freshchat, Freshsales and the chat widgets of other sites",
	"myfreshworks.com/":            "a vendor-wide domain: Freshworks' platform domain, used by Freshdesk, Freshchat, Freshsales and the chat widgets of other sites",
	"freshchat.com/":               "a vendor-wide domain: Freshchat, Freshworks' chat service, whose widget runs on many other sites",
	"in-freshbots.ai/":             "a vendor-wide domain: Freshworks' chat-bot service, whose widget runs on many other sites",
	"rtschannel.com/":              "a vendor-wide domain: Freshworks' real-time messaging service for its chat products",
	"freshdev.io/":                 "a vendor-wide domain: Freshworks' developer platform for all its products",
	"freshcloud.io/":               "a vendor-wide domain: Freshworks' platform domain for all its products",
	"fdcollab.com/":                "a vendor-wide domain: Freshworks' collaboration service for all its products",
	"freshconnect.io/":             "a vendor-wide domain: Freshworks' collaboration service for all its products",
	"basecamp.com/":                "not a remote-access domain: the Basecamp project-management service, which a stub catalog entry lists; it is not a remote-access tool",
	"fortra.com/":                  "not a remote-access domain: the corporate site of Fortra, a security vendor with dozens of products",
}

// misattributed are catalog domains that belong to another product than the
// tool they are listed for, keyed by the domain (and everything below it)
// and the tool's file stem.
var misattributed = map[[2]string]string{
	{"fleetdm.com", "fleetdeck_io"}:   "fleetdm.com belongs to Fleet, a different device-management product",
	{"tailscale.com", "tactical_rmm"}: "belongs to Tailscale (its own entry in the catalog), which Tactical RMM can use",
	{"splashtop.com", "tiflux"}:       "belongs to Splashtop (its own entry in the catalog), which TiFLUX embeds",
	{"islonline.net", "barracuda"}:    "belongs to ISL Online (its own entry in the catalog), which Barracuda RMM embeds",
	{"downloads.io", "level"}:         "downloads.io is an unrelated domain (probably a truncation of downloads.level.io)",
}

// genericNames are program names that unrelated software also uses, with
// why (lowercase keys).
var genericNames = map[string]string{
	"setup.exe": rsGenericName, "install.exe": rsGenericName, "installer.exe": rsGenericName,
	"uninstall.exe": rsGenericName, "update.exe": rsGenericName, "updater.exe": rsGenericName,
	"autoupdate.exe": rsGenericName, "agent.exe": rsGenericName, "agent32.exe": rsGenericName,
	"agent64.exe": rsGenericName, "client.exe": rsGenericName, "server.exe": rsGenericName,
	"service.exe": rsGenericName, "launcher.exe": rsGenericName, "helper.exe": rsGenericName,
	"upload.exe": rsGenericName, "connect.exe": rsGenericName, "rdp.exe": rsGenericName,
	"supporttool.exe": rsGenericName, "installcore.exe": rsGenericName, "notificationhelper.exe": rsGenericName,
	"selfupdater.exe": rsGenericName, "recycler.exe": rsGenericName, "closeapp.exe": rsGenericName,
	"cpuchk.exe": rsGenericName, "monitoringagent.exe": rsGenericName, "windowslauncher.exe": rsGenericName,
	"vhost.exe": rsGenericName, "sysdiag.exe": rsGenericName, "arpproducticon.exe": rsGenericName,
	"installshield setup.exe": rsGenericName, "appcore.exe": rsGenericName, "goto.exe": rsGenericName,
	"nssm.exe": "the NSSM service wrapper, which many programs ship",
	"perl.exe": "the Perl interpreter, which many programs ship", "wperl.exe": "the Perl interpreter, which many programs ship",
	"osqueryi.exe": "osquery, which many management agents ship", "winpty-agent.exe": "winpty, which terminals and editors ship",
	"winpty-agent64.exe": "winpty, which terminals and editors ship",
	"plink.exe":          "PuTTY's plink, which many programs bundle", "wintun.dll": "the WireGuard Wintun driver, which many VPN clients ship",
	"libeay32.dll": "OpenSSL, which many programs ship", "ssleay32.dll": "OpenSSL, which many programs ship",
	"svchost.exe": rsBuiltin, "explorer.exe": rsBuiltin, "dwm.exe": rsBuiltin, "rundll32.exe": rsBuiltin,
	"regsvr32.exe": rsBuiltin, "cmd.exe": rsBuiltin, "powershell.exe": rsBuiltin, "conhost.exe": rsBuiltin,
	"msiexec.exe": rsBuiltin, "mstsc.exe": rsBuiltin, "msra.exe": rsBuiltin, "rdpclip.exe": rsBuiltin,
	"taskhostw.exe": rsBuiltin, "wscript.exe": rsBuiltin, "cscript.exe": rsBuiltin, "mshta.exe": rsBuiltin,
	"termsrv.exe": rsBuiltin, "tar.exe": rsBuiltin,
	"remote desktop.exe": rsGenericName, "online backup.exe": rsGenericName, "remote access.exe": rsGenericName,
	"httpget.exe": rsGenericName,
	"teams.exe":   "Microsoft Teams' program name",
}

// genericDirs are path parts that say nothing about which program lives
// below them (lowercase).
var genericDirs = setOf(
	"c:", "program files", "program files (x86)", "programdata", "windows", "system32", "syswow64", "users",
	"appdata", "local", "roaming", "temp", "downloads", "desktop", "documents", "public", "common files",
	"opt", "usr", "bin", "sbin", "etc", "var", "lib", "applications", "library", "application support",
	"contents", "macos", "home", "tmp", "packages", "files", "agent", "client", "server", "service", "logs",
	"config", "data", "default", "user data", "extensions", "installer", "setup", "tools", "scripts",
)

// sharedDirs are vendor folders that hold products besides the tool.
var sharedDirs = setOf("google", "microsoft", "yandex", "mozilla", "manageengine", "apple")

// platformVendors are words that, in a company, product or signer name,
// name a large vendor whose software runs on most hosts.
var platformVendors = []string{"microsoft", "google", "apple", "adobe", "amazon", "oracle", "mozilla", "symantec", "zoho"}

// bogusSigners are certificate subjects in LOLRMM that are not a vendor.
var bogusSigners = setOf(".net", "certification authority", "codesigningmico", "globalsigningdig")

// bundlerSigners sign installers that bundle unrelated programs.
var bundlerSigners = []string{"outbyte", "gametop", "win.rar", "openvpn"}

// signerStopWords are words of company names that say nothing about which
// company it is.
var signerStopWords = setOf(
	"software", "corporation", "corp", "incorporated", "inc", "ltd", "llc", "gmbh", "limited", "technologies",
	"technology", "tech", "networks", "network", "systems", "system", "solutions", "company", "holdings",
	"development", "information", "data", "security", "international", "services", "service", "group", "the",
	"and", "pte", "pty", "sas", "srl", "spol", "open", "source", "developer", "remote", "desktop", "control",
	"online", "cloud", "digital", "computing", "trade", "design", "consulting", "media", "global", "usa",
	"china", "shenzhen", "ltda", "bvba", "com", "net", "org", "www", "app", "llp", "plc", "oue",
)

// programExts are the extensions of files that processes are created from.
var programExts = setOf("exe", "com", "scr")

// nonProgramExts are extensions of files that are not process images.
var nonProgramExts = setOf(
	"dll", "msi", "mst", "msp", "pkg", "zip", "bin", "ps1", "cmd", "bat", "vbs", "js", "lnk", "json", "txt",
	"xml", "conf", "cfg", "ini", "log", "plist", "service", "sock", "mui", "py", "dmg", "deb", "rpm", "trace",
	"db", "dat", "sys", "tmp", "reg", "jar", "sh", "bashrc", "ese", "exee",
)

func setOf(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}

// domainKind tells how a domain condition matches RemoteUrl's host.
type domainKind int

const (
	dExact   domainKind = iota // the host itself
	dSuffix                    // the domain and its subdomains
	dPattern                   // a glob whose '*' stands for part of one label
)

// domainCond is a domain fact turned into a condition on the host.
type domainCond struct {
	Kind domainKind
	// Host is the host, the domain, or for a pattern the glob, lowercase.
	Host string
	// Regex is the pattern's regular expression over the whole host.
	Regex string
	// Term is the fixed domain to the right of the pattern's last
	// wildcard, which has_any pre-filters on.
	Term string
}

var (
	ipv4Like  = regexp.MustCompile(`^[0-9.]+$`)
	labelRe   = regexp.MustCompile(`^[a-z0-9_*]([a-z0-9_*-]*[a-z0-9_*])?$`)
	regexChar = regexp.MustCompile(`[\[\]{}()\\+|^$]`)
	tldRe     = regexp.MustCompile(`^[a-z]{2,}$`)
)

// judgeDomain turns a domain fact of tool slug into a condition, or says
// why not. has marks jischell facts, which stand for the domain and its
// subdomains (their queries match with `has`).
func judgeDomain(raw, slug string, has bool) (domainCond, string) {
	s := strings.ToLower(strings.TrimSpace(raw))
	switch {
	case s == "user_managed":
		return domainCond{}, rsUserManaged
	case strings.HasPrefix(s, "<"):
		return domainCond{}, rsPlaceholder
	case regexChar.MatchString(s):
		return domainCond{}, rsRegex
	case strings.Contains(s, ":"):
		if _, err := netip.ParseAddr(s); err == nil {
			return domainCond{}, rsIP
		}
		return domainCond{}, rsPort
	case ipv4Like.MatchString(s):
		if _, err := netip.ParseAddr(s); err == nil {
			return domainCond{}, rsIP
		}
		return domainCond{}, rsMalformed
	case !strings.Contains(s, "."):
		return domainCond{}, rsBareWord
	}
	s = strings.TrimSuffix(s, ".")
	c := domainCond{Kind: dExact, Host: s}
	if has {
		c.Kind = dSuffix
	}
	if strings.HasPrefix(s, "*.") && !strings.Contains(s[2:], "*") {
		c = domainCond{Kind: dSuffix, Host: s[2:]}
	} else if strings.Contains(s, "*") {
		c.Kind = dPattern
	}
	labels := strings.Split(c.Host, ".")
	for _, l := range labels {
		if !labelRe.MatchString(l) || (c.Kind != dPattern && strings.Contains(l, "*")) {
			return domainCond{}, rsMalformed
		}
	}
	if tld := labels[len(labels)-1]; !tldRe.MatchString(tld) {
		return domainCond{}, rsMalformed
	}
	if c.Kind == dPattern {
		last := 0
		for i, l := range labels {
			if strings.Contains(l, "*") {
				last = i
			}
		}
		c.Term = strings.Join(labels[last+1:], ".")
		if strings.Count(c.Term, ".") < 1 {
			return domainCond{}, rsFewLiterals
		}
		var re strings.Builder
		re.WriteString("^")
		for i, l := range labels {
			if i > 0 {
				re.WriteString(`\.`)
			}
			if l == "*" {
				re.WriteString(`[a-z0-9_-]+`)
				continue
			}
			parts := strings.Split(l, "*")
			for j, p := range parts {
				if j > 0 {
					re.WriteString(`[a-z0-9_-]*`)
				}
				re.WriteString(regexp.QuoteMeta(p))
			}
		}
		re.WriteString("$")
		c.Regex = re.String()
	} else {
		c.Term = c.Host
	}
	// Judge the fixed part: for a pattern, the domain right of it.
	d := c.Host
	if c.Kind == dPattern {
		d = c.Term
	}
	for dom, why := range misattributed {
		if why != "" && dom[1] == slug && (d == dom[0] || strings.HasSuffix(d, "."+dom[0])) {
			return domainCond{}, why
		}
	}
	for p := range portals {
		if d == p || strings.HasSuffix(d, "."+p) {
			return domainCond{}, rsPortal
		}
	}
	if c.Kind != dPattern {
		if platformDomains[d] {
			return domainCond{}, rsPlatform
		}
		if sharedServices[d] {
			return domainCond{}, rsShared
		}
	}
	for v, why := range vendorDomains {
		if tree := strings.HasSuffix(v, "/"); tree {
			v = strings.TrimSuffix(v, "/")
			if d == v || strings.HasSuffix(d, "."+v) {
				return domainCond{}, why
			}
		} else if d == v && c.Kind != dPattern {
			return domainCond{}, why
		}
	}
	return c, ""
}

// covers reports whether condition a matches every host that b matches.
func (a domainCond) covers(b domainCond) bool {
	if a.Kind != dSuffix {
		return a.Kind == b.Kind && a.Host == b.Host
	}
	h := b.Host
	if b.Kind == dPattern {
		h = b.Term
		return h == a.Host || strings.HasSuffix(h, "."+a.Host)
	}
	return h == a.Host || strings.HasSuffix(h, "."+a.Host)
}

// judgeProgramName judges a program file name (no folder). noExt allows
// a name without an extension, as Linux and macOS programs have and as PE
// metadata may give.
func judgeProgramName(name string, noExt bool, slug string) string {
	low := strings.ToLower(name)
	if why, ok := genericNames[low]; ok {
		return why
	}
	if o, ok := ownedNames[low]; ok && o.slug != slug {
		return o.why
	}
	if strings.ContainsAny(name, "[]{}") {
		return rsRegex
	}
	if strings.ContainsAny(name, "<>") {
		return rsPlaceholderName
	}
	base, ext := low, ""
	if i := strings.LastIndexByte(low, '.'); i > 0 {
		base, ext = low[:i], low[i+1:]
	}
	switch {
	case ext == "" && !noExt:
		return rsNotPath
	case ext != "" && nonProgramExts[ext]:
		return rsNotProgram
	case ext != "" && !programExts[ext] && (!noExt || strings.ContainsAny(ext, " *?")):
		return rsNotProgram
	case ext != "" && !programExts[ext]:
		// A name with dots, such as Teramind.Remover.Executable.
		base = low
	}
	if strings.ContainsAny(base, "*?") {
		if n := len(strings.NewReplacer("*", "", "?", "").Replace(base)); n < 4 {
			return rsFewLiterals
		}
		return ""
	}
	if len(base) < 4 {
		return rsShortName
	}
	return ""
}

// ownedNames are program names of one tool that others bundle: for any
// other tool they are left out, unless the folder names that tool.
var ownedNames = map[string]struct{ slug, why string }{
	"paexec.exe": {"psexec_clone", "PAExec's program (its own catalog entry, PSEXEC (Clone)), which this tool bundles"},
}

// judgeOriginalName judges a PE OriginalFileName, which for a .NET program
// may end in .dll.
func judgeOriginalName(name string) string {
	low := strings.ToLower(name)
	if why, ok := genericNames[low]; ok {
		return why
	}
	base, ext := low, ""
	if i := strings.LastIndexByte(low, '.'); i > 0 {
		base, ext = low[:i], low[i+1:]
	}
	if ext != "" && ext != "dll" && nonProgramExts[ext] {
		return rsNotProgram
	}
	if strings.ContainsAny(low, "*?[]") {
		return rsFewLiterals
	}
	if len(base) < 4 {
		return rsShortName
	}
	return ""
}

// procAlt is one alternative of a process rule: Col Op Vals.
type procAlt struct {
	Col  string
	Op   string // in~, matches regex, startswith, contains, endswith, =~, or "" for a jischell formula
	Vals []string
	// Glob is the catalog's glob for a matches regex alternative, from
	// which tests make a matching value.
	Glob string
	// Formula is a jischell condition (Op "").
	Formula cond
}

// key identifies an alternative for de-duplication.
func (a procAlt) key() string {
	if a.Formula != nil {
		return "formula:" + formatCond(a.Formula)
	}
	return a.Col + " " + a.Op + " " + strings.ToLower(strings.Join(a.Vals, "\x00"))
}

var (
	hashLike    = regexp.MustCompile(`^[0-9A-Fa-f]{32,}$`)
	envVar      = regexp.MustCompile(`%[^%\\/]+%`)
	placeholder = regexp.MustCompile(`<[^<>]*>|\(Random\)`)
)

// judgePath turns an installation path or a disk artifact into process
// alternatives (a FileName or a FolderPath condition), or says why not.
func judgePath(raw string, disk bool, slug string) (procAlt, string) {
	p := strings.TrimSpace(strings.Trim(strings.TrimSpace(raw), `"'`))
	p = strings.ReplaceAll(p, `\\`, `\`)
	if hashLike.MatchString(p) {
		return procAlt{}, rsHash
	}
	win := strings.Contains(p, `\`) || regexp.MustCompile(`^[A-Za-z]:`).MatchString(p) || strings.HasPrefix(p, "%")
	unix := !win && strings.Contains(p, "/")
	if !win && !unix {
		// A bare name.
		if why := judgeProgramName(p, false, slug); why != "" {
			if disk && why == rsNotProgram {
				return procAlt{}, rsDiskArtifact
			}
			return procAlt{}, why
		}
		return nameAlt(p), ""
	}
	sep := "/"
	if win {
		sep = `\`
	}
	p = envVar.ReplaceAllString(p, "*")
	p = placeholder.ReplaceAllString(p, "*")
	p = strings.Replace(p, "~/", "*/", 1)
	parts := strings.Split(p, sep)
	for i, part := range parts {
		if part == "USERNAME" {
			parts[i] = "*"
		}
	}
	p = strings.Join(parts, sep)
	if strings.ContainsAny(p, "[]") {
		return procAlt{}, rsRegex
	}
	if strings.Contains(p, "%") {
		return procAlt{}, rsMalformedPath
	}
	isDir := strings.HasSuffix(p, sep) || strings.HasSuffix(p, sep+"*")
	last := parts[len(parts)-1]
	if !isDir {
		ext := ""
		if i := strings.LastIndexByte(last, '.'); i > 0 {
			ext = strings.ToLower(last[i+1:])
		}
		switch {
		case ext == "app":
			isDir = true
			p += sep
		case programExts[ext]:
		case ext == "" && win:
			isDir = true
		case ext == "" && unix && len(parts) >= 2 && (parts[len(parts)-2] == "bin" || parts[len(parts)-2] == "sbin"):
		case ext == "":
			if disk {
				return procAlt{}, rsDiskArtifact
			}
			return procAlt{}, rsNotPath
		default:
			if disk {
				return procAlt{}, rsDiskArtifact
			}
			return procAlt{}, rsNotProgram
		}
	}
	if isDir {
		if disk {
			return procAlt{}, rsDiskArtifact
		}
		p = strings.TrimSuffix(p, sep+"*")
		if !strings.HasSuffix(p, sep) {
			p += sep
		}
		if why := judgeDir(p, sep); why != "" {
			return procAlt{}, why
		}
		return pathAlt(p, sep, true), ""
	}
	// A program file.
	why := judgeProgramName(last, unix, slug)
	if why == "" {
		return nameAlt(last), ""
	}
	low := strings.ToLower(last)
	_, owned := ownedNames[low]
	if why == rsFewLiterals || why == rsShortName || owned || (genericNames[low] != "" && genericNames[low] != rsBuiltin) {
		// A generic name in a folder that names the tool is specific.
		dir := strings.Join(parts[:len(parts)-1], sep) + sep
		if judgeDir(dir, sep) == "" {
			return pathAlt(p, sep, false), ""
		}
	}
	return procAlt{}, why
}

// judgeDir says why folder p (ending in sep) is not specific, or "".
func judgeDir(p, sep string) string {
	var lastLit string
	for _, part := range strings.Split(strings.TrimSuffix(p, sep), sep) {
		low := strings.ToLower(part)
		if strings.ContainsAny(low, "*?") {
			// A glob part names the tool by its fixed text, if long
			// enough.
			low = strings.NewReplacer("*", "", "?", "").Replace(low)
			if len(low) < 4 {
				continue
			}
		}
		if low == "" || genericDirs[low] || len(low) < 3 {
			continue
		}
		lastLit = low
	}
	if lastLit == "" {
		return rsGenericDir
	}
	if sharedDirs[lastLit] {
		return "a vendor folder that holds other products than the tool"
	}
	return ""
}

// nameAlt matches a program file name, exactly or as a glob.
func nameAlt(name string) procAlt {
	if strings.ContainsAny(name, "*?") {
		return procAlt{Col: "FileName", Op: "matches regex", Vals: []string{"(?i)^" + globRegex(name, "", false) + "$"}, Glob: name}
	}
	return procAlt{Col: "FileName", Op: "in~", Vals: []string{name}}
}

// pathAlt matches FolderPath, which holds the folder and file name of the
// process image, against folder glob p (dir) or program glob p.
func pathAlt(p, sep string, dir bool) procAlt {
	star := strings.ContainsAny(p, "*?")
	rest := strings.TrimPrefix(p, "*")
	switch {
	case !star && dir:
		return procAlt{Col: "FolderPath", Op: "startswith", Vals: []string{p}}
	case !star:
		return procAlt{Col: "FolderPath", Op: "=~", Vals: []string{p}}
	case strings.HasPrefix(p, "*"+sep) && !strings.ContainsAny(rest, "*?") && dir:
		return procAlt{Col: "FolderPath", Op: "contains", Vals: []string{rest}}
	case strings.HasPrefix(p, "*"+sep) && !strings.ContainsAny(rest, "*?"):
		return procAlt{Col: "FolderPath", Op: "endswith", Vals: []string{rest}}
	}
	re := "(?i)^" + globRegex(p, sep, true)
	if !dir {
		re += "$"
	}
	return procAlt{Col: "FolderPath", Op: "matches regex", Vals: []string{re}, Glob: p}
}

// globRegex translates a glob. In a path (isPath, folders separated by
// sep), a leading '*' stands for any text and every other '*' for part of
// one folder or file name; in a name, '*' stands for any text. '?' stands
// for one character.
func globRegex(g, sep string, isPath bool) string {
	not := "."
	if isPath {
		not = "[^" + regexp.QuoteMeta(sep) + "]"
	}
	var b strings.Builder
	for i, r := range g {
		switch {
		case r == '*' && i == 0 && isPath:
			b.WriteString(".*")
		case r == '*':
			b.WriteString(not + "*")
		case r == '?':
			b.WriteString(not)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

// instantiate makes a value that a glob matches, for rule tests.
func instantiate(g string) string {
	s := strings.ReplaceAll(strings.ReplaceAll(g, "*", "x1"), "?", "x")
	if strings.HasPrefix(s, `\`) {
		s = `C:` + s
	}
	return s
}

var (
	proseChars  = regexp.MustCompile(`[();:,"` + "`" + `|]|\.(\s|$)`)
	proseWords  = regexp.MustCompile(`(?i)\b(executable|binary|installer|verified|observed|reported|unverified|via|variant|component|utility|library|dll|process|uploads|the|application|program|msi|helper|module|runtime|tray|user-interface|startup-monitor)\b`)
	nameWordsRe = regexp.MustCompile(`[a-z0-9]+`)
)

// nameStopWords are words of tool names that do not tell one tool from
// another.
var nameStopWords = setOf(
	"remote", "desktop", "connection", "control", "access", "support", "agent", "server", "client", "manager",
	"management", "monitoring", "software", "cloud", "online", "viewer", "assist", "connect", "help", "exe",
	"microsoft", "google", "apple", "now", "the", "and", "for", "system", "systems", "service", "pro", "tool",
)

// judgeDescription keeps a PE FileDescription that is short, not prose,
// and names the tool.
func judgeDescription(desc string, t *tool) string {
	if len(desc) > 40 || len(strings.Fields(desc)) > 5 || proseChars.MatchString(desc) || proseWords.MatchString(desc) {
		return rsProse
	}
	low := strings.ToLower(desc)
	for _, w := range nameWordsRe.FindAllString(strings.ToLower(t.Name), -1) {
		if len(w) >= 3 && !nameStopWords[w] && strings.Contains(low, w) {
			return judgeVendorText(desc)
		}
	}
	return rsUnnamedDesc
}

// judgeVendorText leaves out company, product and signer names of large
// vendors.
func judgeVendorText(s string) string {
	low := strings.ToLower(s)
	for _, v := range platformVendors {
		if containsWord(low, v) {
			return rsPlatformName
		}
	}
	return ""
}

// containsWord reports whether w occurs in s with no letter or digit on
// either side.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isWordRune(rune(s[j-1]))
		after := j+len(w) == len(s) || !isWordRune(rune(s[j+len(w)]))
		if before && after {
			return true
		}
		i = j + 1
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// cleanSigner tidies a LOLRMM signer name: surrounding space and a stray
// trailing backslash.
func cleanSigner(s string) string {
	s = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), `\`))
	return strings.Join(strings.Fields(s), " ")
}

// judgeSigner judges a LOLRMM signer of tool t; signedBy is the company of
// the signed file, when known.
func judgeSigner(s, signedBy string, t *tool) string {
	low := strings.ToLower(s)
	if bogusSigners[low] || len(low) < 3 {
		return rsBogusSigner
	}
	for _, b := range bundlerSigners {
		if strings.Contains(low, b) {
			return rsBundler
		}
	}
	if why := judgeVendorText(s); why != "" {
		return why
	}
	if !corroborated(low, strings.ToLower(signedBy), t.words) {
		return rsUncorrob
	}
	return ""
}

// corroborated reports whether a distinctive word of signer (not a word
// such as "software" or "inc") occurs in the tool's text or in the signed
// file's company: a word of four letters or more anywhere ("fabulous" in
// "DucFabulous"), a three-letter word as a whole word ("pdq" in
// "app.pdq.com").
func corroborated(signer, signedBy, words string) bool {
	for _, w := range strings.FieldsFunc(signer, func(r rune) bool { return !isWordRune(r) }) {
		n := len([]rune(w))
		if n < 3 || signerStopWords[w] {
			continue
		}
		if n >= 4 && (strings.Contains(words, w) || strings.Contains(signedBy, w)) {
			return true
		}
		if n == 3 && (containsWord(words, w) || containsWord(signedBy, w)) {
			return true
		}
	}
	return false
}

// toolWords is the text a signer is checked against: the tool's name,
// description and website and the values of its facts other than signers.
func toolWords(t *tool, extra ...string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(t.Name + "\n" + t.Description + "\n"))
	for _, s := range extra {
		b.WriteString(strings.ToLower(s) + "\n")
	}
	for _, f := range t.facts {
		if f.Kind != fSigner {
			b.WriteString(strings.ToLower(f.Value) + "\n")
		}
	}
	return b.String()
}
