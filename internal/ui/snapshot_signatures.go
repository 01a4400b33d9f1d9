package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"thucongvu/internal/docsign"
	"thucongvu/internal/model"
)

// snapshotSignatures renders the reader with two signed PDFs (R4): one
// changed after signing with "Mở bản đã ký", one valid (signer and
// agency, timestamped). The verdicts are set, not computed: the demo has no CA.
func snapshotSignatures(u *UI, win fyne.Window, save func(string, fyne.Window) error) error {
	at := time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC)
	signer := docsign.Signature{Signer: "Nguyễn Văn A", Organization: "Sở TT&TT tỉnh Long An", Email: "nva@longan.gov.vn",
		SignedAt: at, TimeSource: docsign.TimeFromTimestamp, Issuer: "CA chuyên dùng Chính phủ", State: docsign.Valid, Kind: "signature"}
	agency := signer
	agency.Signer, agency.Email, agency.SignedAt = "Sở Thông tin và Truyền thông tỉnh Long An", "", at.Add(20*time.Minute)
	changed := signer
	changed.State, changed.TimeSource = docsign.ModifiedAfterSigning, docsign.TimeFromSigner
	msg := &ReaderMessage{
		Summary: model.MessageSummary{ID: -1, Subject: "Công văn số 2157/STTTT-VP về việc triển khai chữ ký số",
			From: model.Address{Name: "Văn thư Sở TT&TT", Address: "vanthu@longan.gov.vn"}, Date: at},
		Text:        "Kính gửi các cơ quan, đơn vị.\n\nSở TT&TT gửi kèm công văn đã ký số.",
		Attachments: []Attachment{{Filename: "2157-STTTT-VP-ban-sua.pdf", Size: 190 << 10}, {Filename: "2157-STTTT-VP.pdf", Size: 183 << 10}},
	}
	u.reader.show(msg)
	u.bg.Wait()
	reports := []docsign.Report{
		{State: docsign.ModifiedAfterSigning, Signatures: []docsign.Signature{changed}},
		{State: docsign.Valid, Signatures: []docsign.Signature{signer, agency}},
	}
	for i, row := range u.reader.attachments.Objects {
		if box, ok := row.(*fyne.Container); ok && len(box.Objects) == 2 && i < len(reports) {
			if lines, ok := box.Objects[1].(*fyne.Container); ok {
				fillSignatureLines(u.reader, lines, msg.Attachments[i], nil, reports[i])
			}
		}
	}
	return save("reader-signatures", win)
}

// snapshotSigner shows the "Ký số" dialog with an account's pictures and a
// timestamp authority set by machine policy; it signs nothing.
type snapshotSigner struct{}

func (snapshotSigner) SignPDF(string, SignRequest) (string, error) { return "", docsign.ErrNoModule }
func (snapshotSigner) SignDefaults(string) SignDefaults {
	return SignDefaults{Image: "/home/nva/chu-ky-nguyen-van-a.png", Seal: "/srv/dau/so-tttt-long-an.png",
		TSA: "http://tsa.longan.gov.vn/tsa", TSALocked: true}
}

// snapshotSignDialog renders compose with "Ký số" asked again after a wrong
// PIN (R4).
func snapshotSignDialog(u *UI, account, pdf string, save func(string, fyne.Window) error) error {
	u.NewCompose(Draft{Account: account, To: []string{"vanthu@longan.gov.vn"}, Subject: "Công văn số 2157/STTTT-VP",
		Body: "Kính gửi Văn phòng UBND tỉnh.", Attachments: []string{pdf}})
	cw, c := u.composeWn, u.compose
	c.signAttachment(snapshotSigner{}, 0, pdf, lang.L("sign.wrong_pin_again"))
	if err := save("compose-sign", cw); err != nil {
		return err
	}
	c.saved = c.draft()
	c.closed = true
	cw.Close()
	return nil
}
