package mail_test

import (
	"fmt"

	"thucongvu/internal/mail"
)

func ExampleParse() {
	raw := "From: =?utf-8?Q?V=C4=83n_th=C6=B0?= <vanthu@hanam.gov.vn>\r\n" +
		"To: sonoivu@hanam.gov.vn\r\n" +
		"Subject: =?utf-8?Q?[M=E1=BA=ACT]_C=C3=B4ng_v=C4=83n_s=E1=BB=91_12?=\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nĐề nghị phản hồi.\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=cv12.pdf\r\n\r\n%PDF-1.4\r\n--b--\r\n"
	m, err := mail.Parse([]byte(raw))
	if err != nil {
		panic(err)
	}
	fmt.Println(m.From.Name, "|", m.Subject)
	fmt.Println("document:", m.Document, "secret:", m.Secret)
	fmt.Println(m.Attachments[0].Filename, m.Attachments[0].Size)
	// Output:
	// Văn thư | [MẬT] Công văn số 12
	// document: true secret: mat
	// cv12.pdf 8
}

func ExampleDecodeLegacy() {
	// "Đã nhận được văn bản" typed in a VNI font, read as Windows-1252.
	text, enc := mail.DecodeLegacy("Ñaõ nhaän ñöôïc vaên baûn")
	fmt.Println(text, enc)
	// Output: Đã nhận được văn bản vni
}

func ExampleSecretMarking() {
	fmt.Printf("%q %q %q\n",
		mail.SecretMarking("Độ mật: Tối mật"),
		mail.SecretMarking("Vui lòng đổi mật khẩu"),
		mail.SecretMarking("[TUYỆT MẬT] Phương án"))
	// Output: "toi-mat" "" "tuyet-mat"
}
