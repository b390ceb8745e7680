package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// moduleRoot finds the folder holding go.mod, from the working directory up.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// sharedRMM returns ../shared/rmm beside the repository. It exists in the
// development workspace and in CI; elsewhere the test is skipped, except
// under CI=true, where it fails.
func sharedRMM(t *testing.T) string {
	t.Helper()
	p := filepath.Join(moduleRoot(t), "..", "shared", "rmm")
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the RMM catalogs are not at %s (CI=true, so this is a failure): %v", p, err)
		}
		t.Skipf("the RMM catalogs are not at %s; skipping (set CI=true to fail instead): %v", p, err)
	}
	return p
}

// TestFresh regenerates the pack from the shared catalogs and compares it
// with the checked-in internal/packs/rmm, so that the generator and the
// pack cannot drift apart.
func TestFresh(t *testing.T) {
	shared := sharedRMM(t)
	p, err := Generate(shared)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(moduleRoot(t), "internal", "packs", "rmm")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var stale []string
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.Name()] = true
		want, ok := p.Files[e.Name()]
		if !ok {
			stale = append(stale, e.Name()+" is not generated any more")
			continue
		}
		got, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		// A checkout that turned line ends into CRLF is still fresh.
		if !bytes.Equal(bytes.ReplaceAll(got, []byte("\r\n"), []byte("\n")), bytes.ReplaceAll(want, []byte("\r\n"), []byte("\n"))) {
			stale = append(stale, e.Name()+" differs")
		}
	}
	for name := range p.Files {
		if !seen[name] {
			stale = append(stale, name+" is missing")
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		if len(stale) > 10 {
			stale = append(stale[:10], "...")
		}
		t.Errorf("internal/packs/rmm is not what the generator makes; regenerate with\n\t%s\n%s", regenerate, strings.Join(stale, "\n"))
	}
	if p.Stats.ToolsCovered < 250 {
		t.Errorf("%d tools covered, want at least 250", p.Stats.ToolsCovered)
	}
}

// TestGenerateTwice checks that generation is deterministic.
func TestGenerateTwice(t *testing.T) {
	shared := sharedRMM(t)
	a, err := Generate(shared)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(shared)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range a.Files {
		if !bytes.Equal(text, b.Files[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func TestRunUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-nope"}, &out, &errb); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if code := run([]string{"extra"}, &out, &errb); code != 2 {
		t.Errorf("extra argument: exit %d, want 2", code)
	}
	errb.Reset()
	if code := run([]string{"-shared", t.TempDir(), "-out", t.TempDir()}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "README") {
		t.Errorf("empty catalogs folder: exit %d, stderr %q; want 1 and a message about the README", code, errb.String())
	}
}

// TestWriteRefusesFolders checks that Write does not delete into a folder
// that holds subfolders (a wrong -out).
func TestWriteRefusesFolders(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := &Pack{Files: map[string][]byte{"a.yaml": []byte("x")}}
	if err := p.Write(dir); err == nil {
		t.Error("Write into a folder with a subfolder succeeded")
	}
	// A flat folder is made to hold exactly the pack.
	flat := t.TempDir()
	os.WriteFile(filepath.Join(flat, "old.yaml"), []byte("old"), 0o644)
	if err := p.Write(flat); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(flat)
	if len(entries) != 1 || entries[0].Name() != "a.yaml" {
		t.Errorf("after Write the folder holds %v, want only a.yaml", entries)
	}
}

func TestJudgeDomain(t *testing.T) {
	for _, tc := range []struct {
		raw     string
		has     bool
		slug    string
		kind    domainKind
		host    string
		skipped string // a word of the reason, or "" when kept
	}{
		{raw: "*.screenmeet.com", kind: dSuffix, host: "screenmeet.com"},
		{raw: "screenmeet.com", has: true, kind: dSuffix, host: "screenmeet.com"},
		{raw: "boot.net.anydesk.com", kind: dExact, host: "boot.net.anydesk.com"},
		{raw: "GetScreen.me", kind: dExact, host: "getscreen.me"},
		{raw: "auth*.aeroadmin.com", kind: dPattern, host: "auth*.aeroadmin.com"},
		{raw: "a1-backend-packages.s3.amazonaws.com", kind: dExact, host: "a1-backend-packages.s3.amazonaws.com"},
		{raw: "remotedesktop-pa.googleapis.com", has: true, kind: dSuffix, host: "remotedesktop-pa.googleapis.com"},
		{raw: "user_managed", skipped: "user_managed"},
		{raw: "<operator-configured GLPI server>", skipped: "placeholder"},
		{raw: "136.243.104.235", skipped: "IP address"},
		{raw: "relay-[a-f0-9]{8}.net.anydesk.com:443", skipped: "regular-expression"},
		{raw: "example.com:8080", skipped: "port"},
		{raw: "atera-agent-heartbeat", has: true, skipped: "bare word"},
		{raw: "*.-dms.zoho.com.cn", skipped: "well-formed"},
		{raw: "github.com", skipped: "platform"},
		{raw: "*.amazonaws.com", skipped: "platform"},
		{raw: "packagesstore.blob.core.windows.net", kind: dExact, host: "packagesstore.blob.core.windows.net"},
		{raw: "*.blob.core.windows.net", skipped: "shared service"},
		{raw: "crossloop.en.softonic.com", skipped: "download portal"},
		{raw: "*.zoho.com", skipped: "Zoho's suite"},
		{raw: "assist.zoho.com", has: true, kind: dSuffix, host: "assist.zoho.com"},
		{raw: "static.zohocdn.com", has: true, skipped: "Zoho's static"},
		{raw: "fleetdm.com", has: true, slug: "fleetdeck_io", skipped: "Fleet"},
		{raw: "fleetdm.com", has: true, slug: "other", kind: dSuffix, host: "fleetdm.com"},
	} {
		c, why := judgeDomain(tc.raw, tc.slug, tc.has)
		switch {
		case tc.skipped != "" && !strings.Contains(why, tc.skipped):
			t.Errorf("judgeDomain(%q) = %+v, %q; want skipped for %q", tc.raw, c, why, tc.skipped)
		case tc.skipped == "" && (why != "" || c.Kind != tc.kind || c.Host != tc.host):
			t.Errorf("judgeDomain(%q) = %+v, %q; want kind %d host %q", tc.raw, c, why, tc.kind, tc.host)
		}
	}
}

// TestDomainMatching checks the host logic the rules use, in Go: the same
// regular expression and comparisons as the generated KQL, which the
// pack's rule tests then run for real.
func TestDomainMatching(t *testing.T) {
	suffix, _ := judgeDomain("*.screenmeet.com", "", false)
	exact, _ := judgeDomain("boot.net.anydesk.com", "", false)
	pattern, _ := judgeDomain("rescue-list.*.logmein-gateway.com", "", false)
	for _, tc := range []struct {
		c    domainCond
		url  string
		want bool
	}{
		{suffix, "screenmeet.com", true},
		{suffix, "api.screenmeet.com", true},
		{suffix, "https://Relay-EU.ScreenMeet.com:443/join?x=1", true},
		{suffix, "user@api.screenmeet.com", true},
		{suffix, "api.screenmeet.com.", true},
		{suffix, "screenmeet.com/join", true},
		{suffix, "notscreenmeet.com", false},
		{suffix, "screenmeet.com.evil.net", false},
		{suffix, "https://evil.net/?u=screenmeet.com", false},
		{suffix, "", false},
		{exact, "boot.net.anydesk.com", true},
		{exact, "x.boot.net.anydesk.com", false},
		{exact, "net.anydesk.com", false},
		{pattern, "rescue-list.eu1.logmein-gateway.com", true},
		{pattern, "rescue-list..logmein-gateway.com", false},
		{pattern, "rescue-list.a.b.logmein-gateway.com", false},
		{pattern, "other.eu1.logmein-gateway.com", false},
	} {
		if got := tc.c.matches(hostOf(tc.url)); got != tc.want {
			t.Errorf("%s matches %q (host %q) = %v, want %v", tc.c.Host, tc.url, hostOf(tc.url), got, tc.want)
		}
	}
	if pattern.Term != "logmein-gateway.com" || pattern.Regex != `^rescue-list\.[a-z0-9_-]+\.logmein-gateway\.com$` {
		t.Errorf("pattern = %+v", pattern)
	}
}

func TestJudgePath(t *testing.T) {
	for _, tc := range []struct {
		raw     string
		disk    bool
		col, op string
		val     string
		skipped string
	}{
		{raw: `C:\Program Files (x86)\AnyDesk\*`, col: "FolderPath", op: "startswith", val: `C:\Program Files (x86)\AnyDesk\`},
		{raw: `C:\\ProgramData\\AMMYY\\*`, col: "FolderPath", op: "startswith", val: `C:\ProgramData\AMMYY\`},
		{raw: `*\ATERA Networks\AteraAgent\*`, col: "FolderPath", op: "contains", val: `\ATERA Networks\AteraAgent\`},
		{raw: `C:\Program Files\Atera Networks`, col: "FolderPath", op: "startswith", val: `C:\Program Files\Atera Networks\`},
		{raw: `*\AteraAgent.exe`, col: "FileName", op: "in~", val: "AteraAgent.exe"},
		{raw: `ScreenMeetSupport.exe`, col: "FileName", op: "in~", val: "ScreenMeetSupport.exe"},
		{raw: `rustdesk*.exe`, col: "FileName", op: "matches regex", val: `(?i)^rustdesk.*\.exe$`},
		{raw: `%APPDATA%\GoToMeeting\G2M.exe`, col: "FolderPath", op: "endswith", val: `\GoToMeeting\G2M.exe`},
		{raw: `C:\Users\*\AppData\Local\rustdesk\*`, col: "FolderPath", op: "matches regex", val: `(?i)^C:\\Users\\[^\\]*\\AppData\\Local\\rustdesk\\`},
		{raw: `C:\Program Files (x86)\RemotePulseAgent\InstallCore.exe`, col: "FolderPath", op: "=~", val: `C:\Program Files (x86)\RemotePulseAgent\InstallCore.exe`},
		{raw: `/Applications/AnyDesk.app`, col: "FolderPath", op: "startswith", val: "/Applications/AnyDesk.app/"},
		{raw: `/usr/local/bin/tmate`, col: "FileName", op: "in~", val: "tmate"},
		{raw: `*\ngrok*`, col: "FolderPath", op: "matches regex", val: `(?i)^.*\\ngrok[^\\]*\\`},
		{raw: `InstallCore.exe`, skipped: "generic"},
		{raw: `C:\Windows\<random>.exe`, skipped: "fixed text"},
		{raw: `mstsc.exe`, skipped: "built into Windows"},
		{raw: `dd.exe`, skipped: "too short"},
		{raw: `ImmyBot.msi`, skipped: "not a program"},
		{raw: `9380CC75B872221A7425D7503565B67580407F60`, skipped: "hash"},
		{raw: `wec_launcher_[a-Z0-9]*_.exe`, skipped: "regular-expression"},
		{raw: `C:\Program Files (x86)\Yandex\*`, skipped: "vendor folder"},
		{raw: `C:\Program Files\*`, skipped: "no part that names"},
		{raw: `c:\Program Files (x86)%\mRemoteNG`, skipped: "stray %"},
		{raw: `/etc/systemd/system/dataplicity.service`, skipped: "not a program"},
		{raw: `%programdata%\AnyDesk\ad_svc.trace`, disk: true, skipped: "the tool writes"},
		{raw: `C:\Windows\Action1\action1_agent.exe`, disk: true, col: "FileName", op: "in~", val: "action1_agent.exe"},
	} {
		a, why := judgePath(tc.raw, tc.disk, "anytool")
		switch {
		case tc.skipped != "" && !strings.Contains(why, tc.skipped):
			t.Errorf("judgePath(%q) = %+v, %q; want skipped for %q", tc.raw, a, why, tc.skipped)
		case tc.skipped == "" && (why != "" || a.Col != tc.col || a.Op != tc.op || len(a.Vals) != 1 || a.Vals[0] != tc.val):
			t.Errorf("judgePath(%q) = %+v, %q; want %s %s %q", tc.raw, a, why, tc.col, tc.op, tc.val)
		}
		if a.Op == "matches regex" {
			if !regexp.MustCompile(a.Vals[0]).MatchString(instantiate(a.Glob) + "x.exe") {
				t.Errorf("judgePath(%q): %s does not match its own sample %q", tc.raw, a.Vals[0], instantiate(a.Glob))
			}
		}
	}
	// A name another tool owns is left out, unless its folder names the
	// tool.
	if _, why := judgePath("paexec.exe", false, "bluetrait"); why == "" {
		t.Error("paexec.exe kept for another tool than PAExec")
	}
	if a, why := judgePath(`C:\Program Files (x86)\Bluetrait Agent\libraries\paexec.exe`, true, "bluetrait"); why != "" || a.Op != "=~" {
		t.Errorf("paexec.exe in Bluetrait's folder = %+v, %q; want a FolderPath =~ condition", a, why)
	}
	if a, why := judgePath("paexec.exe", false, "psexec_clone"); why != "" || a.Col != "FileName" {
		t.Errorf("paexec.exe for PAExec itself = %+v, %q", a, why)
	}
}

func TestJudgeDescriptionAndSigner(t *testing.T) {
	anydesk := &tool{Name: "AnyDesk", words: "anydesk https://anydesk.com/en"}
	mstsc := &tool{Name: "mstsc.exe (Microsoft Remote Desktop Connection)"}
	for _, tc := range []struct {
		desc string
		t    *tool
		ok   bool
	}{
		{"AnyDesk", anydesk, true},
		{"Endpoint Agent", anydesk, false},
		{"Remote Desktop Connection", mstsc, false},
		{"AnyDesk agent installer (verified via VirusTotal)", anydesk, false},
	} {
		if why := judgeDescription(tc.desc, tc.t); (why == "") != tc.ok {
			t.Errorf("judgeDescription(%q, %s) = %q, want ok=%v", tc.desc, tc.t.Name, why, tc.ok)
		}
	}
	for _, tc := range []struct {
		signer, signedBy string
		ok               bool
	}{
		{"AnyDesk Software GmbH", "", true},
		{"Microsoft Corporation", "", false},
		{"Christopher West", "", false},
		{"Famatech Corp.", "Famatech Corp.", false}, // a signer of many products
		{"Certification Authority", "", false},
		{"Outbyte Computing Pty Ltd", "", false},
		{"Begonia Holdings LLC", "Begonia Holdings", true},
	} {
		why := judgeSigner(cleanSigner(tc.signer), tc.signedBy, anydesk)
		if why == "" {
			why = judgeMultiProduct(tc.signer)
		}
		if (why == "") != tc.ok {
			t.Errorf("signer %q (file company %q) = %q, want ok=%v", tc.signer, tc.signedBy, why, tc.ok)
		}
	}
	if got := cleanSigner(` ConnectWise\ `); got != "ConnectWise" {
		t.Errorf("cleanSigner = %q", got)
	}
}

func TestParseJischell(t *testing.T) {
	q := "let Time_start = now(-5d);\nlet Time_end = now();\n//\nDeviceProcessEvents\n" +
		"| where Timestamp between (Time_start..Time_end)\n" +
		"| where ProcessVersionInfoCompanyName has_any ('anydesk software', 'philandro software')\n" +
		"    and (ProcessVersionInfoProductName has 'anydesk' or isempty(ProcessVersionInfoProductName))\n" +
		"| summarize count() by DeviceId\n"
	table, pred, reps, err := parseJischell(q)
	if err != nil || table != "DeviceProcessEvents" || len(reps) != 0 {
		t.Fatalf("parseJischell = %q, %v, %v, %v", table, pred, reps, err)
	}
	want := `ProcessVersionInfoCompanyName has_any ("anydesk software", "philandro software") and (ProcessVersionInfoProductName has "anydesk" or isempty(ProcessVersionInfoProductName))`
	if got := formatCond(pred); got != want {
		t.Errorf("formatCond =\n%s\nwant\n%s", got, want)
	}
	row, err := satisfy(pred)
	if err != nil || row["ProcessVersionInfoCompanyName"] != "anydesk software" || row["ProcessVersionInfoProductName"] != "anydesk" {
		t.Errorf("satisfy = %v, %v", row, err)
	}
	// The published defects are repaired and reported.
	bad := "DeviceNetworkEvents\n| where RemoteUrl has_any (\n  'a.example.com',\t// one\n  'b.example.com',\n)\n| where InitiatingProcessSHA1 in (rmmInitialFileSet)"
	_, pred, reps, err = parseJischell(bad)
	if err != nil || len(reps) != 1 {
		t.Fatalf("parseJischell(trailing comma) = %v, %v, %v", pred, reps, err)
	}
	as := atoms(pred)
	if len(as) != 2 || as[0].Col != "RemoteUrl" || len(as[0].Vals) != 2 || as[1].Op != opaqueOp {
		t.Errorf("atoms = %+v, want the RemoteUrl list and an opaque condition", as)
	}
	if why := judgeFormula(pred, false); !strings.Contains(why, "rmmInitialFileSet") {
		t.Errorf("judgeFormula with a subquery = %q", why)
	}
}

func TestRuleID(t *testing.T) {
	// Version 5 UUIDs are stable and differ by tool and kind.
	a, b := ruleID("anydesk", kNet), ruleID("anydesk", kProc)
	if a == b || a != ruleID("anydesk", kNet) {
		t.Errorf("ruleID not stable or not distinct: %s %s", a, b)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(a) {
		t.Errorf("ruleID = %s, not a version 5 UUID", a)
	}
	// The same UUID as Python's uuid.uuid5(uuid.NAMESPACE_URL, name).
	if a != "e7468049-1226-5d19-8001-64dbab9482ed" {
		t.Errorf("ruleID(anydesk, netconn) = %s, want e7468049-1226-5d19-8001-64dbab9482ed", a)
	}
}

func TestKQLString(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:          `"plain"`,
		`C:\Program\`:    `@"C:\Program\"`,
		`a "quoted" \ x`: `@"a ""quoted"" \ x"`,
		`Krämer`:         `"Krämer"`,
	} {
		if got := kql.QuoteString(in); got != want {
			t.Errorf("kql.QuoteString(%q) = %s, want %s", in, got, want)
		}
	}
}
