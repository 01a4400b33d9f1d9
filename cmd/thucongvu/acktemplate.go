package main

import (
	"fmt"
	"maps"
	"os"
	"strings"

	"thucongvu/internal/ack"
	"thucongvu/internal/failure"
)

// cmdAckTemplate shows or sets an account's acknowledgement text for one
// language (R2): `ack-template NAME [--language vi|en] [--file F | --reset]`.
func cmdAckTemplate(c *cli, args []string) error {
	fs := newFlags("ack-template")
	lang := fs.String("language", "vi", "vi or en (the template's language; --lang chooses the messages')")
	file := fs.String("file", "", "read the new template from this file")
	reset := fs.Bool("reset", false, "go back to the default text")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (*lang != "vi" && *lang != "en") {
		return usageErr("ack-template NAME [--language vi|en] [--file F | --reset]")
	}
	e, err := c.openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	a, err := e.Config.Account(pos[0])
	if err != nil {
		return err
	}
	if *file != "" || *reset {
		if e.AckTemplate(*a, *lang).Locked {
			return fmt.Errorf("%w: the acknowledgement text is set by agency IT (machine policy)", failure.ErrBlocked)
		}
		a.AckTemplates = maps.Clone(a.AckTemplates)
		if a.AckTemplates == nil {
			a.AckTemplates = map[string]string{}
		}
		if *reset {
			delete(a.AckTemplates, *lang)
		} else {
			raw, err := os.ReadFile(*file)
			if err != nil {
				return fmt.Errorf("%w: %v", failure.ErrNotFound, err)
			}
			text := string(raw)
			// The template must render: refuse it now, not at the first document.
			if _, err := ack.Compose(*a, sampleDocument(), *lang, text); err != nil {
				return usageErr("%v", err)
			}
			a.AckTemplates[*lang] = text
		}
		if err := e.Config.Save(); err != nil {
			return err
		}
	}
	// The text in force: the policy's when it locks it (one source, R2).
	text := e.AckTemplate(*a, *lang).Text
	fmt.Fprint(c.stdout, strings.TrimRight(text, "\n")+"\n")
	return nil
}
