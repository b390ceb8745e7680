package suggest

import "testing"

func TestName(t *testing.T) {
	cols := []string{"InitiatingProcessAccountUpn", "AccountName", "RemoteUrl", "RemoteIP", "DeviceName"}
	for name, want := range map[string]string{
		"remoteurl":  "RemoteUrl",                   // another case
		"AccountUpn": "InitiatingProcessAccountUpn", // a suffix
		"RemoteUrll": "RemoteUrl",                   // one edit
		"DevcieName": "DeviceName",                  // two edits in ten letters
		"Nope":       "",                            // nothing close
		"IP":         "",                            // too short for a suffix
	} {
		if got := Name(name, cols); got != want {
			t.Errorf("Name(%q) = %q, want %q", name, got, want)
		}
	}
	if got := DidYouMean("RemoteUrl"); got != "; did you mean 'RemoteUrl'?" {
		t.Errorf("DidYouMean: %q", got)
	}
	if DidYouMean("") != "" {
		t.Error("DidYouMean(\"\") is not empty")
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"été", "ete", 2}} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
