// Package lint holds the repository's code checks, run as tests: gofmt,
// go vet and staticcheck over the whole module. They run in CI (CI=true)
// or when KQLHUNT_LINT=1; staticcheck is fetched from the Go module proxy
// at the version pinned in lint_test.go.
package lint
