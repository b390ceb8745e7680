package syntax

// Kind is the kind of a token.
type Kind uint8

// Token kinds. Keywords are not distinguished from identifiers by the
// lexer: KQL keywords are contextual, and the parser tells them apart.
const (
	EOF Kind = iota
	Illegal
	TokIdent    // name, keyword, $left, or a bracketed ['name'] (Text holds the name)
	TokInt      // 123, 0x1f
	TokReal     // 1.5, 1e3
	TokString   // 'x', "x", @'x', h'x', ```x``` (Text holds the decoded value)
	TokTimespan // 5d, 1.5h, 100ms
	TokTyped    // datetime(...), timespan(...), guid(...) with their raw text in Text
	Pipe        // |
	LParen      // (
	RParen      // )
	LBrack      // [
	RBrack      // ]
	LBrace      // {
	RBrace      // }
	Comma       // ,
	Semi        // ;
	Dot         // .
	DotDot      // ..
	Colon       // :
	Assign      // =
	Eq          // ==
	Neq         // != or <>
	Lt          // <
	Gt          // >
	Le          // <=
	Ge          // >=
	EqTilde     // =~
	NeqTilde    // !~
	Plus        // +
	Minus       // -
	Star        // *
	Slash       // /
	Percent     // %
	Arrow       // =>
	Bang        // !
	Tilde       // ~
	At          // @
	Question    // ?
	Hash        // #
	NegWord     // !has, !contains, !in, !between, ... (Text holds the operator)
	InTilde     // in~
	NegInTilde  // !in~
	numKinds
)

var kindNames = [numKinds]string{
	EOF: "end of query", Illegal: "illegal character", TokIdent: "identifier", TokInt: "number",
	TokReal: "number", TokString: "string literal", TokTimespan: "timespan literal", TokTyped: "literal",
	Pipe: "'|'", LParen: "'('", RParen: "')'", LBrack: "'['", RBrack: "']'",
	LBrace: "'{'", RBrace: "'}'", Comma: "','", Semi: "';'", Dot: "'.'", DotDot: "'..'",
	Colon: "':'", Assign: "'='", Eq: "'=='", Neq: "'!='", Lt: "'<'", Gt: "'>'", Le: "'<='",
	Ge: "'>='", EqTilde: "'=~'", NeqTilde: "'!~'", Plus: "'+'", Minus: "'-'", Star: "'*'",
	Slash: "'/'", Percent: "'%'", Arrow: "'=>'", Bang: "'!'", Tilde: "'~'", At: "'@'",
	Question: "'?'", Hash: "'#'", NegWord: "operator", InTilde: "'in~'", NegInTilde: "'!in~'",
}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "token"
}

// Token is one lexical token. Span covers its source text; Text holds the
// identifier name, the decoded string value, or the raw literal text.
type Token struct {
	Kind Kind
	Span Span
	Text string
	// Verbatim is set for a string literal written with @ (no escapes).
	Verbatim bool
	// Obfuscated is set for a string literal written with h or H.
	Obfuscated bool
	// Bracketed is set for an identifier written as ['name'] or ["name"].
	Bracketed bool
	// SpaceBefore tells whether whitespace or a comment precedes the token;
	// the parser uses it to join names like project-away and Device*.
	SpaceBefore bool
}
