package source

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestSymlinkedFolders checks that --data naming a symbolic link to a
// folder reads the folder, that linked subfolders are walked, that a file
// reached through two links is read once, and that a link loop and a
// link to nothing are reported, not walked forever or skipped silently.
func TestSymlinkedFolders(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	writeFile(t, real, "DeviceEvents.json", []byte(rowLine))
	writeFile(t, dir, "other/EmailEvents/rows.json", []byte(rowLine))
	link := filepath.Join(dir, "link")
	mustSymlink(t, real, link)

	// The root is a link.
	d := open(t, []string{link}, nil, Options{})
	if got := d.Tables(); !reflect.DeepEqual(got, []string{"DeviceEvents"}) {
		t.Fatalf("--data LINK: tables %v", got)
	}
	tab := simpleTable("DeviceEvents")
	if rows := readRows(t, d, tab, nil); len(rows) != 1 {
		t.Errorf("--data LINK: %d rows", len(rows))
	}

	// A linked subfolder, a loop, a second link to the same folder and a
	// dangling link.
	mustSymlink(t, filepath.Join(dir, "other", "EmailEvents"), filepath.Join(real, "emails"))
	mustSymlink(t, real, filepath.Join(real, "loop"))
	mustSymlink(t, filepath.Join(dir, "other", "EmailEvents"), filepath.Join(real, "emails-again"))
	mustSymlink(t, filepath.Join(dir, "nowhere"), filepath.Join(real, "dangling.json"))
	d = open(t, []string{link}, nil, Options{})
	if got := d.Tables(); !reflect.DeepEqual(got, []string{"DeviceEvents", "EmailEvents"}) {
		t.Errorf("tables %v", got)
	}
	if rows := readRows(t, d, simpleTable("EmailEvents"), nil); len(rows) != 1 {
		t.Errorf("EmailEvents read %d times through two links, want once", len(rows))
	}
	var notes []string
	for _, e := range d.Stats().Ignored {
		notes = append(notes, e.Error())
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{
		filepath.Join(link, "loop") + ": symbolic link loop",
		filepath.Join(link, "emails-again") + ": the same folder as " + filepath.Join(link, "emails"),
		filepath.Join(link, "dangling.json") + ": symbolic link to nothing",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no note %q in:\n%s", want, all)
		}
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symbolic links: %v", err)
	}
}
