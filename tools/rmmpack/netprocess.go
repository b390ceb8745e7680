package main

import (
	"slices"
	"strings"
)

// The network rule of a tool also finds the connections that one of the
// tool's programs made, whatever the address (a bare IP, a host that no
// catalog lists): the initiating process's file name is one of the tool's
// programs and the company in its version information is the tool's
// publisher. Both facts are needed, so that a program of another
// publisher that happens to have the same file name is not found.

// ipCompany is the column of DeviceNetworkEvents that names the company of
// the initiating process's version information.
const ipCompany = "InitiatingProcessVersionInfoCompanyName"

// netProcess collects a tool's programs and publishers while its facts are
// judged.
type netProcess struct {
	programs   []string
	publishers []atom
	sources    []source
	// pending are the company conditions of jischell network queries,
	// used only when the tool has programs too.
	pending []rawFact
}

// program records the program file name name, from the fact s. Names with
// wildcards are left out: the condition compares whole names.
func (n *netProcess) program(name string, s source) {
	if strings.ContainsAny(name, "*?") {
		return
	}
	for _, p := range n.programs {
		if strings.EqualFold(p, name) {
			n.addSource(s)
			return
		}
	}
	n.programs = append(n.programs, name)
	n.addSource(s)
}

// publisher records a condition on the initiating process's company.
func (n *netProcess) publisher(a atom, s source) {
	n.publishers = append(n.publishers, a)
	n.addSource(s)
}

func (n *netProcess) addSource(s source) {
	if !slices.Contains(n.sources, s) {
		n.sources = append(n.sources, s)
	}
}

// formula records what a jischell process or signature condition says
// about the tool's programs and publisher: exact FileName comparisons
// whose names pass judgeProgramName, and the comparisons of
// ProcessVersionInfoCompanyName or Signer (a signer's subject is the
// publisher's name).
func (n *netProcess) formula(c cond, slug string, s source) {
	for _, a := range atoms(c) {
		switch {
		case a.Col == "FileName" && exactOps[a.Op]:
			for _, v := range a.Vals {
				if judgeProgramName(v, true, slug) == "" {
					n.program(v, s)
				}
			}
		case (a.Col == "ProcessVersionInfoCompanyName" || a.Col == "Signer") && netPublisher(a):
			n.publisher(atom{Col: ipCompany, Op: a.Op, Vals: a.Vals}, s)
		}
	}
}

// exactOps compare a whole value.
var exactOps = map[string]bool{"=~": true, "==": true, "in~": true, "in": true}

// netPublisher reports whether a (a comparison of a company or signer
// column) can be a condition on the initiating process's company: a
// comparison with constants that are not a large vendor's name.
func netPublisher(a atom) bool {
	if a.Col != ipCompany && a.Col != "ProcessVersionInfoCompanyName" && a.Col != "Signer" {
		return false
	}
	if !exactOps[a.Op] && !scalarOps[a.Op] && !listOps[a.Op] {
		return false
	}
	for _, v := range a.Vals {
		if strings.TrimSpace(v) == "" || judgeVendorText(v) != "" {
			return false
		}
	}
	return len(a.Vals) > 0
}

// mergeAtoms joins the in~ comparisons into one list (values equal but
// for case once, first spelling kept) and drops repeated conditions.
func mergeAtoms(as []atom) []atom {
	var out []atom
	list := -1
	seen := map[string]bool{}
	for _, a := range as {
		if a.Op == "in~" {
			if list < 0 {
				list = len(out)
				out = append(out, atom{Col: a.Col, Op: "in~"})
			}
			for _, v := range a.Vals {
				if k := "in~\x00" + strings.ToLower(v); !seen[k] {
					seen[k] = true
					out[list].Vals = append(out[list].Vals, v)
				}
			}
			continue
		}
		k := formatCond(a)
		if !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// processCond writes the condition on the initiating process of r.
func processCond(r *ruleSpec, indent string) string {
	pubs := make([]string, len(r.Publishers))
	for i, a := range r.Publishers {
		if a.Op == "in~" {
			pubs[i] = a.Col + " in~ " + kqlList(a.Vals, indent+"            ")
		} else {
			pubs[i] = formatCond(a)
		}
	}
	pub := pubs[0]
	if len(pubs) > 1 {
		pub = "(" + strings.Join(pubs, "\n"+indent+"        or ") + ")"
	}
	return "InitiatingProcessFileName in~ " + kqlList(r.Programs, indent+"        ") + "\n" + indent + "    and " + pub
}

// publisherMatches reports whether company meets a, as KQL decides, for
// the generator's checks of its test rows; has is approximated as a
// case-insensitive match on word boundaries, which the test rows' simple
// names meet exactly.
func publisherMatches(a atom, company string) bool {
	low := strings.ToLower(company)
	for _, v := range a.Vals {
		lv := strings.ToLower(v)
		var ok bool
		switch a.Op {
		case "in~", "=~":
			ok = low == lv
		case "in", "==":
			ok = company == v
		case "has", "has_any":
			ok = lv != "" && containsWord(low, lv)
		case "contains":
			ok = strings.Contains(low, lv)
		case "startswith":
			ok = strings.HasPrefix(low, lv)
		case "endswith":
			ok = strings.HasSuffix(low, lv)
		}
		if ok {
			return true
		}
	}
	return false
}

// anyPublisher reports whether company meets one of as.
func anyPublisher(as []atom, company string) bool {
	for _, a := range as {
		if publisherMatches(a, company) {
			return true
		}
	}
	return false
}
