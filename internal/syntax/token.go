package syntax

// Kind is the kind of a token.
type Kind uint8

// Token kinds. Keywords are one kind: the parser tells them apart by their
// text, and the fixedTokens table says which keywords may serve as names.
const (
	EOF         Kind = iota
	Bad              // a character that is not part of the language
	TokIdent         // a name: letters, digits, '_', may start with '$' ($left)
	TokKeyword       // a keyword, including multi-part ones (mv-expand, !contains, matches regex)
	TokString        // a string literal; Value holds the decoded text
	TokLong          // 123, 0x1f
	TokReal          // 1.5, 1., 1e3
	TokTimespan      // 5d, 1.5h, 100ms
	TokBool          // true, false (any of three spellings)
	TokGoo           // a typed literal with raw text: datetime(...), long(...), guid(...); GooType names the type
	TokRawGuid       // an unquoted GUID, which is only allowed in a few places
	TokDirective
	Pipe     // |
	LParen   // (
	RParen   // )
	LBrack   // [
	RBrack   // ]
	LBrace   // {
	RBrace   // }
	Comma    // ,
	Semi     // ;
	Dot      // .
	DotDot   // ..
	Colon    // :
	Assign   // =
	Eq       // ==
	Neq      // !=
	LtGt     // <>
	Lt       // <
	Gt       // >
	Le       // <=
	Ge       // >=
	LtBar    // <|
	EqTilde  // =~
	NeqTilde // !~
	Plus     // +
	Minus    // -
	Star     // *
	Slash    // /
	Percent  // %
	Arrow    // =>
	Bang     // !
	At       // @
	Question // ?
	numKinds
)

var kindNames = [numKinds]string{
	EOF: "end of query", Bad: "illegal character", TokIdent: "identifier", TokKeyword: "keyword",
	TokString: "string literal", TokLong: "number", TokReal: "number", TokTimespan: "timespan literal",
	TokBool: "bool literal", TokGoo: "literal", TokRawGuid: "guid", TokDirective: "directive",
	Pipe: "'|'", LParen: "'('", RParen: "')'", LBrack: "'['", RBrack: "']'",
	LBrace: "'{'", RBrace: "'}'", Comma: "','", Semi: "';'", Dot: "'.'", DotDot: "'..'",
	Colon: "':'", Assign: "'='", Eq: "'=='", Neq: "'!='", LtGt: "'<>'", Lt: "'<'", Gt: "'>'",
	Le: "'<='", Ge: "'>='", LtBar: "'<|'", EqTilde: "'=~'", NeqTilde: "'!~'", Plus: "'+'",
	Minus: "'-'", Star: "'*'", Slash: "'/'", Percent: "'%'", Arrow: "'=>'", Bang: "'!'",
	At: "'@'", Question: "'?'",
}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "token"
}

// Token is one lexical token.
type Token struct {
	Kind Kind
	Span Span
	// Text is the token's source text (for a keyword, the keyword).
	Text string
	// Value is the decoded text of a string literal.
	Value string
	// GooType is the type word of a TokGoo literal: datetime, date, time,
	// timespan, guid, long, int64, int, int32, real, double, decimal, bool.
	GooType string
	// Verbatim is set for a string literal written with @ or as a
	// multi-line literal (no escapes).
	Verbatim bool
	// Obfuscated is set for a string literal written with h or H.
	Obfuscated bool
	// SpaceBefore tells whether whitespace or a comment precedes the token.
	SpaceBefore bool
}

// tokenFacts describes a fixed-text token of the language.
type tokenFacts uint8

const (
	factKeyword tokenFacts = 1 << iota // a keyword rather than punctuation
	factName                           // a keyword that may also be used as a name
	factExtName                        // a keyword accepted as a name where names are declared
	factSpecial                        // a keyword accepted as a name in path selectors (kind, withsource)
)
