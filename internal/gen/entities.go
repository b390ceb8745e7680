package gen

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// file is a file on disk as the tables describe it, with the hashes of
// made-up content (the hashes of its name, so that they are fixed).
type file struct {
	name, path, dir        string
	sha1, sha256, md5      string
	size                   int64
	company, product, desc string
	version, original      string
	cmds                   []string
	program                bool
	extension              string
	signed                 bool
	signer, issuer         string
}

// The pools of files, built once from the vocabularies.
var (
	programFiles  = buildPrograms()
	documentFiles = buildFiles(documents)
	libraryFiles  = buildFiles(libraries)
	// anyFiles are what file events touch: documents and programs.
	anyFiles = append(append([]*file{}, documentFiles...), programFiles...)
)

func newFile(name, dir string) *file {
	f := &file{name: name, dir: dir, path: dir + name}
	content := "kqlhunt-gen:" + strings.ToLower(name)
	s1 := sha1.Sum([]byte(content))
	s256 := sha256.Sum256([]byte(content))
	m := md5.Sum([]byte(content))
	f.sha1 = hex.EncodeToString(s1[:])
	f.sha256 = hex.EncodeToString(s256[:])
	f.md5 = hex.EncodeToString(m[:])
	f.size = int64(strHash(content)%4_000_000) + 1024
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		f.extension = strings.ToLower(name[i:])
	}
	f.original = name
	return f
}

func buildPrograms() []*file {
	out := make([]*file, len(programs))
	for i, p := range programs {
		f := newFile(p.file, p.dir)
		f.company, f.product, f.desc, f.version = p.company, p.product, p.desc, p.version
		f.cmds = p.cmds
		f.program = true
		f.signed = p.company != "" && p.company != "philandro Software GmbH"
		if f.signed {
			f.signer = p.company
			f.issuer = "Microsoft Windows Production PCA 2011"
			if p.company != msCorp {
				f.issuer = "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1"
			}
		}
		out[i] = f
	}
	return out
}

func buildFiles(list []struct{ file, dir string }) []*file {
	out := make([]*file, len(list))
	for i, d := range list {
		f := newFile(d.file, d.dir)
		if strings.HasPrefix(d.dir, sys32) || strings.HasPrefix(d.dir, `C:\Windows\`) {
			f.company, f.product, f.desc, f.version = msCorp, msWin, d.file, winVers
			f.signed, f.signer, f.issuer = true, msCorp, "Microsoft Windows Production PCA 2011"
		}
		out[i] = f
	}
	return out
}

// deviceIDs and the other derived identifiers of the pools, computed once.
var (
	deviceIDs    = derive(len(devices), func(i int) string { return hexOf(strHash("device:"+devices[i].name), 40) })
	deviceAadIDs = derive(len(devices), func(i int) string { return guidOf(strHash("aad-device:" + devices[i].name)) })
	deviceMACs   = derive(len(devices), func(i int) string {
		h := hexOf(strHash("mac:"+devices[i].name), 12)
		return strings.ToUpper(h[0:2] + "-" + h[2:4] + "-" + h[4:6] + "-" + h[6:8] + "-" + h[8:10] + "-" + h[10:12])
	})
	accountObjectIDs = derive(len(accounts), func(i int) string {
		if accounts[i].upn == "" {
			return ""
		}
		return guidOf(strHash("account:" + accounts[i].upn))
	})
)

func derive(n int, f func(int) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// hexOf returns n lowercase hex digits drawn from h.
func hexOf(h uint64, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		if i%16 == 0 && i > 0 {
			h = mix(h + uint64(i))
		}
		b[i] = digits[(h>>(4*(i%16)))&0xf]
	}
	return string(b)
}

// guidOf returns a canonical version-4 GUID drawn from h.
func guidOf(h uint64) string {
	s := []byte(hexOf(h, 32))
	s[12] = '4'
	s[16] = "89ab"[h>>62]
	return string(s[0:8]) + "-" + string(s[8:12]) + "-" + string(s[12:16]) + "-" + string(s[16:20]) + "-" + string(s[20:32])
}
