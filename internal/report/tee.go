package report

import "errors"

// Tee returns a FindingWriter that writes every finding to each of ws, in
// order: one hunt, several outputs (an HTML report and a CSV timeline,
// say). It is a HuntWriter: Finish ends each of ws with the hunt, End
// ends each without. A failing writer does not stop the others; the
// errors are joined.
func Tee(ws ...FindingWriter) FindingWriter {
	if len(ws) == 1 {
		return ws[0]
	}
	return tee(ws)
}

type tee []FindingWriter

func (t tee) Write(f *Finding) error {
	var errs []error
	for _, w := range t {
		if err := w.Write(f); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (t tee) End() error {
	var errs []error
	for _, w := range t {
		errs = append(errs, w.End())
	}
	return errors.Join(errs...)
}

func (t tee) EndHunt(h *Hunt) error {
	var errs []error
	for _, w := range t {
		errs = append(errs, Finish(w, h))
	}
	return errors.Join(errs...)
}
