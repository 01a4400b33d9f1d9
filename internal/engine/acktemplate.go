package engine

import (
	"thucongvu/internal/ack"
	"thucongvu/internal/config"
	"thucongvu/internal/model"
)

// AckText is an account's acknowledgement text for one language (R2, LA 6.2).
type AckText struct {
	Text string
	// Locked: machine policy fixes the text; the user cannot change it.
	Locked bool
	// Own: the account has its own text for the language.
	Own bool
}

// AckTemplate is the one source of the acknowledgement text: the text
// machine policy locks, else the account's own for the language, else the
// policy's (the agency's default), else the client's default.
func (e *Engine) AckTemplate(a model.Account, lang string) AckText {
	if lang != "en" {
		lang = "vi"
	}
	p := e.Policy
	if p.Locked(config.SettingAckTemplate) {
		return AckText{Text: p.AckTemplate, Locked: true}
	}
	if t := a.AckTemplates[lang]; t != "" {
		return AckText{Text: t, Own: true}
	}
	if p.Has("AckTemplate") {
		return AckText{Text: p.AckTemplate}
	}
	return AckText{Text: ack.DefaultTemplates[lang]}
}
