package report

import (
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Entity is one identifier of a Sentinel entity that a finding names: the
// entity type (Host, Account, IP, URL, File, FileHash, Process, ...), the
// identifier (HostName, FullName, Address, Url, ...), the value as text,
// and the output column the value came from.
//
// An entity that Sentinel would assemble from several identifiers (an
// Account with Name and NTDomain) appears as one Entity per identifier,
// in mapping order; Column tells apart two entities of one type, such as
// the account of the process and the account it acted on.
type Entity struct {
	Type       string
	Identifier string
	Value      string
	Column     string
}

// EntityMapping maps output columns to the identifiers of one Sentinel
// entity type, as a rule's entityMappings does. It mirrors
// rules.EntityMapping, which package report does not import.
type EntityMapping struct {
	Type   string
	Fields []EntityField
}

// EntityField maps one identifier (HostName) to an output column
// (DeviceName).
type EntityField struct {
	Identifier string
	Column     string
}

// wellKnown maps the Defender XDR columns that name an entity to the
// Sentinel entity type and identifier they hold. Entities reads it for
// rules without entity mappings. A hash column's identifier is the hash
// algorithm: it folds Sentinel's FileHash Algorithm and Value into one
// Entity.
var wellKnown = map[string]entityKind{
	"DeviceName": {"Host", "HostName"},
	"DeviceId":   {"Host", "MdatpDeviceId"},

	"AccountName":                      {"Account", "Name"},
	"AccountDomain":                    {"Account", "NTDomain"},
	"AccountUpn":                       {"Account", "FullName"},
	"AccountSid":                       {"Account", "Sid"},
	"AccountObjectId":                  {"Account", "AadUserId"},
	"AccountDisplayName":               {"Account", "DisplayName"},
	"InitiatingProcessAccountName":     {"Account", "Name"},
	"InitiatingProcessAccountDomain":   {"Account", "NTDomain"},
	"InitiatingProcessAccountUpn":      {"Account", "FullName"},
	"InitiatingProcessAccountSid":      {"Account", "Sid"},
	"InitiatingProcessAccountObjectId": {"Account", "AadUserId"},

	"RemoteIP":     {"IP", "Address"},
	"LocalIP":      {"IP", "Address"},
	"IPAddress":    {"IP", "Address"},
	"FileOriginIP": {"IP", "Address"},

	"RemoteUrl":             {"URL", "Url"},
	"Url":                   {"URL", "Url"},
	"FileOriginUrl":         {"URL", "Url"},
	"FileOriginReferrerUrl": {"URL", "Url"},

	"FileName":                    {"File", "Name"},
	"FolderPath":                  {"File", "Directory"},
	"InitiatingProcessFileName":   {"File", "Name"},
	"InitiatingProcessFolderPath": {"File", "Directory"},

	"SHA1":                    {"FileHash", "SHA1"},
	"SHA256":                  {"FileHash", "SHA256"},
	"MD5":                     {"FileHash", "MD5"},
	"InitiatingProcessSHA1":   {"FileHash", "SHA1"},
	"InitiatingProcessSHA256": {"FileHash", "SHA256"},
	"InitiatingProcessMD5":    {"FileHash", "MD5"},

	"ProcessCommandLine":           {"Process", "CommandLine"},
	"ProcessId":                    {"Process", "ProcessId"},
	"InitiatingProcessCommandLine": {"Process", "CommandLine"},
	"InitiatingProcessId":          {"Process", "ProcessId"},

	"RegistryKey":       {"RegistryKey", "Key"},
	"RegistryValueName": {"RegistryValue", "Name"},

	"SenderFromAddress":     {"Mailbox", "MailboxPrimaryAddress"},
	"SenderMailFromAddress": {"Mailbox", "MailboxPrimaryAddress"},
	"RecipientEmailAddress": {"Mailbox", "MailboxPrimaryAddress"},
}

// Entities returns the entities that row, a rule's output row with
// columns cols (boxed as package value describes), names.
//
// When one of the columns that mappings name is among cols, the entities
// are those of the mappings, in mapping order, as Sentinel would take
// them. Otherwise (a rule without entity mappings, or whose mapped columns
// are not in its output) they are those of the well-known Defender XDR
// columns that cols hold, in column order: DeviceName and DeviceId for a
// Host; AccountName, AccountUpn, AccountSid and the InitiatingProcess
// accounts for an Account; RemoteIP, LocalIP and IPAddress for an IP;
// RemoteUrl for a URL; FileName and FolderPath for a File; SHA1, SHA256
// and MD5 for a FileHash; the command lines and ids of processes; registry
// keys; mail addresses (docs/report.md has the full table). Column names
// match exactly, as KQL names do.
//
// A value is the cell's text (see FormatText), except that a dynamic
// string gives its text without quotes and a dynamic array gives one
// entity per element. Null and empty values give no entity, and an entity
// that repeats an earlier one's type, identifier and value is dropped.
// Entities returns nil when the row names none.
func Entities(mappings []EntityMapping, cols []schema.Column, row []any) []Entity {
	index := make(map[string]int, len(cols))
	for i := len(cols) - 1; i >= 0; i-- { // the first of duplicate names wins
		index[cols[i].Name] = i
	}
	var es entityList
	if mappedColumns(mappings, index) {
		for _, m := range mappings {
			for _, f := range m.Fields {
				if i, ok := index[f.Column]; ok && i < len(row) {
					es.add(m.Type, f.Identifier, cols[i], row[i])
				}
			}
		}
		return es.list
	}
	for i, c := range cols {
		if k, ok := wellKnown[c.Name]; ok && i < len(row) {
			es.add(k.Type, k.Identifier, c, row[i])
		}
	}
	return es.list
}

// entityKind is an entity type and one of its identifiers.
type entityKind struct{ Type, Identifier string }

// mappedColumns reports whether a column that mappings name is in index.
func mappedColumns(mappings []EntityMapping, index map[string]int) bool {
	for _, m := range mappings {
		for _, f := range m.Fields {
			if _, ok := index[f.Column]; ok {
				return true
			}
		}
	}
	return false
}

// entityList collects entities without repeats.
type entityList struct {
	list []Entity
}

// add adds the entities of value v of column c.
func (l *entityList) add(typ, ident string, c schema.Column, v any) {
	if arr, ok := v.([]any); ok && c.Type == schema.Dynamic {
		for _, e := range arr {
			l.addOne(typ, ident, c.Name, entityText(schema.Dynamic, e))
		}
		return
	}
	l.addOne(typ, ident, c.Name, entityText(c.Type, v))
}

func (l *entityList) addOne(typ, ident, col, text string) {
	if text == "" {
		return
	}
	for _, e := range l.list {
		if e.Type == typ && e.Identifier == ident && e.Value == text {
			return
		}
	}
	l.list = append(l.list, Entity{Type: typ, Identifier: ident, Value: text, Column: col})
}

// entityText returns the text of an entity value: the cell text, but a
// dynamic string without its JSON quotes.
func entityText(t schema.Type, v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if t == schema.Dynamic {
		switch x := v.(type) {
		case value.Datetime:
			return x.String()
		case value.Timespan:
			return x.String()
		}
	}
	return FormatText(t, v)
}
