package exclude

import (
	"fmt"
	"slices"
	"sort"
)

// The field names of the filter syntax follow the Elastic Common Schema
// (ECS), which people who write detection exclusions tend to know, and
// map to the columns of each Defender XDR device table. The process.*
// fields follow the table: in DeviceProcessEvents process.* is the process
// that was created and process.parent.* the one that created it (the
// table's InitiatingProcess* columns); in the other tables process.* is
// the process behind the event (InitiatingProcess*) and process.parent.*
// that process's parent (InitiatingProcessParent*).
//
// fieldList is the one source of truth: docs/exclusions.md shows it, and
// TestDocFields fails when the two differ (go test ./internal/exclude -run
// TestDocFields -update rewrites the document's table).

// The tables that fields map to, in the order the documentation shows them.
const (
	dpe = "DeviceProcessEvents"
	dne = "DeviceNetworkEvents"
	dfe = "DeviceFileEvents"
	dev = "DeviceEvents"
	dre = "DeviceRegistryEvents"
	dil = "DeviceImageLoadEvents"
	dle = "DeviceLogonEvents"
	dfc = "DeviceFileCertificateInfo"
)

// FieldTables lists the tables that filter fields map to.
var FieldTables = []string{dpe, dne, dfe, dev, dre, dil, dle, dfc}

// initiating lists the tables whose process is the initiating process.
var initiating = []string{dne, dfe, dev, dre, dil, dle}

// Field is a field of the filter syntax: its name, what it means, and, by
// table, the KQL expression it stands for (a column name, except where
// the table has no column for it and an expression computes it).
type Field struct {
	Name string
	Doc  string
	Cols map[string]string
}

// at maps the tables to expr.
func at(expr string, tables ...string) map[string]string {
	m := make(map[string]string, len(tables))
	for _, t := range tables {
		m[t] = expr
	}
	return m
}

// field declares a field from the mappings of its tables, which must not
// overlap.
func field(name, doc string, parts ...map[string]string) Field {
	f := Field{Name: name, Doc: doc, Cols: map[string]string{}}
	for _, p := range parts {
		for t, e := range p {
			if _, dup := f.Cols[t]; dup {
				panic(fmt.Sprintf("exclude: field %s maps %s twice", name, t))
			}
			f.Cols[t] = e
		}
	}
	return f
}

// process declares a process.* field: column in DeviceProcessEvents, and
// "InitiatingProcess"+col in the tables whose process is the initiating
// one.
func process(name, doc, dpeCol, initCol string) Field {
	return field(name, doc, at(dpeCol, dpe), at(initCol, initiating...))
}

var fieldList = []Field{
	field("host.name", "the device's fully qualified name", at("DeviceName", FieldTables...)),
	field("host.id", "the device's Defender identifier", at("DeviceId", FieldTables...)),
	field("event.action", "the kind of event", at("ActionType", dpe, dne, dfe, dev, dre, dil, dle)),

	process("process.name", "the process's file name", "FileName", "InitiatingProcessFileName"),
	process("process.executable", "the full path of the process's image file", "FolderPath", "InitiatingProcessFolderPath"),
	process("process.command_line", "the process's command line", "ProcessCommandLine", "InitiatingProcessCommandLine"),
	process("process.pid", "the process's id", "ProcessId", "InitiatingProcessId"),
	process("process.hash.sha1", "SHA-1 of the process's image file", "SHA1", "InitiatingProcessSHA1"),
	process("process.hash.sha256", "SHA-256 of the process's image file", "SHA256", "InitiatingProcessSHA256"),
	process("process.hash.md5", "MD5 of the process's image file", "MD5", "InitiatingProcessMD5"),
	process("process.pe.company", "company in the image's version information", "ProcessVersionInfoCompanyName", "InitiatingProcessVersionInfoCompanyName"),
	process("process.pe.product", "product in the image's version information", "ProcessVersionInfoProductName", "InitiatingProcessVersionInfoProductName"),
	process("process.pe.original_file_name", "original file name in the image's version information", "ProcessVersionInfoOriginalFileName", "InitiatingProcessVersionInfoOriginalFileName"),
	process("process.pe.description", "file description in the image's version information", "ProcessVersionInfoFileDescription", "InitiatingProcessVersionInfoFileDescription"),
	process("process.user.name", "the account the process runs as", "AccountName", "InitiatingProcessAccountName"),
	process("process.user.domain", "the domain of the account the process runs as", "AccountDomain", "InitiatingProcessAccountDomain"),
	process("process.user.id", "the SID of the account the process runs as", "AccountSid", "InitiatingProcessAccountSid"),

	process("process.parent.name", "the parent process's file name", "InitiatingProcessFileName", "InitiatingProcessParentFileName"),
	process("process.parent.pid", "the parent process's id", "InitiatingProcessId", "InitiatingProcessParentId"),
	field("process.parent.executable", "the full path of the parent's image file", at("InitiatingProcessFolderPath", dpe)),
	field("process.parent.command_line", "the parent process's command line", at("InitiatingProcessCommandLine", dpe)),
	field("process.parent.hash.sha1", "SHA-1 of the parent's image file", at("InitiatingProcessSHA1", dpe)),
	field("process.parent.hash.sha256", "SHA-256 of the parent's image file", at("InitiatingProcessSHA256", dpe)),
	field("process.parent.hash.md5", "MD5 of the parent's image file", at("InitiatingProcessMD5", dpe)),
	field("process.parent.pe.company", "company in the parent image's version information", at("InitiatingProcessVersionInfoCompanyName", dpe)),
	field("process.parent.pe.product", "product in the parent image's version information", at("InitiatingProcessVersionInfoProductName", dpe)),
	field("process.parent.pe.original_file_name", "original file name in the parent image's version information", at("InitiatingProcessVersionInfoOriginalFileName", dpe)),
	field("process.parent.pe.description", "file description in the parent image's version information", at("InitiatingProcessVersionInfoFileDescription", dpe)),
	field("process.parent.user.name", "the account the parent process runs as", at("InitiatingProcessAccountName", dpe)),
	field("process.parent.user.domain", "the domain of the account the parent runs as", at("InitiatingProcessAccountDomain", dpe)),
	field("process.parent.user.id", "the SID of the account the parent runs as", at("InitiatingProcessAccountSid", dpe)),

	field("user.name", "the user: the process's account, or the account that logged on",
		at("AccountName", dpe, dle), at("InitiatingProcessAccountName", dne, dfe, dev, dre, dil)),
	field("user.domain", "the user's domain",
		at("AccountDomain", dpe, dle), at("InitiatingProcessAccountDomain", dne, dfe, dev, dre, dil)),
	field("user.id", "the user's SID",
		at("AccountSid", dpe, dle), at("InitiatingProcessAccountSid", dne, dfe, dev, dre, dil)),
	field("user.email", "the user's UPN",
		at("AccountUpn", dpe), at("InitiatingProcessAccountUpn", dne, dfe, dev, dre, dil)),

	field("destination.ip", "the remote address of a connection", at("RemoteIP", dne, dev)),
	field("destination.port", "the remote port of a connection", at("RemotePort", dne, dev)),
	field("destination.domain", "the remote host name or URL Defender saw", at("RemoteUrl", dne, dev)),
	field("url.domain", "the same as destination.domain", at("RemoteUrl", dne, dev)),
	field("url.full", "the same as destination.domain", at("RemoteUrl", dne, dev)),
	field("source.ip", "the local address of a connection; the requesting or logging-on device's address",
		at("LocalIP", dne, dev), at("RequestSourceIP", dfe), at("RemoteIP", dle)),
	field("source.port", "the local port of a connection; the requesting or logging-on device's port",
		at("LocalPort", dne, dev), at("RequestSourcePort", dfe), at("RemotePort", dle)),
	field("network.transport", "the transport protocol (Tcp, Udp)", at("Protocol", dne)),

	field("file.name", "the file's name", at("FileName", dfe, dev, dil)),
	field("file.path", "the file's full path", at("FolderPath", dfe, dev, dil)),
	field("file.directory", "the folder that holds the file", at("tostring(parse_path(FolderPath).DirectoryPath)", dfe, dev, dil)),
	field("file.hash.sha1", "SHA-1 of the file", at("SHA1", dfe, dev, dil, dfc)),
	field("file.hash.sha256", "SHA-256 of the file", at("SHA256", dfe, dev, dil)),
	field("file.hash.md5", "MD5 of the file", at("MD5", dfe, dev, dil)),
	field("file.size", "the file's size in bytes", at("FileSize", dfe, dev, dil)),
	field("file.code_signature.signed", "whether the file is signed", at("IsSigned", dfc)),
	field("file.code_signature.trusted", "whether the signature is trusted", at("IsTrusted", dfc)),
	field("file.code_signature.subject_name", "the signer", at("Signer", dfc)),
	field("file.x509.issuer.distinguished_name", "the issuer of the signing certificate", at("Issuer", dfc)),
	field("file.x509.serial_number", "the signing certificate's serial number", at("CertificateSerialNumber", dfc)),

	field("registry.key", "the registry key", at("RegistryKey", dre, dev)),
	field("registry.value", "the registry value's name", at("RegistryValueName", dre, dev)),
	field("registry.data.strings", "the registry value's data", at("RegistryValueData", dre, dev)),
	field("registry.data.type", "the registry value's type", at("RegistryValueType", dre)),
}

// fieldsByName indexes fieldList.
var fieldsByName = func() map[string]*Field {
	m := make(map[string]*Field, len(fieldList))
	for i := range fieldList {
		f := &fieldList[i]
		if _, dup := m[f.Name]; dup {
			panic("exclude: field declared twice: " + f.Name)
		}
		m[f.Name] = f
	}
	return m
}()

// Fields returns the fields of the filter syntax, in the order the
// documentation lists them. The caller may modify the slice but not the
// maps.
func Fields() []Field { return slices.Clone(fieldList) }

// fieldNames returns the names of all fields, for suggestions.
func fieldNames() []string {
	names := make([]string, len(fieldList))
	for i, f := range fieldList {
		names[i] = f.Name
	}
	return names
}

// tablesOf returns the tables that f maps, sorted.
func (f *Field) tablesOf() []string {
	out := make([]string, 0, len(f.Cols))
	for t := range f.Cols {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
