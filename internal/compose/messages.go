package compose

import "fmt"

// messages holds each finding's text in Vietnamese and English, with the
// fix in plain words. %[1]s is the finding's target; further verbs take its args.
var messages = map[string][2]string{
	"subject.missing": {"Thư chưa có tiêu đề. Hãy ghi tiêu đề ngắn gọn, rõ nội dung (Điều 14.7 QĐ 62/2009).",
		"The mail has no subject. Add a short subject that says what it is about."},
	"subject.long": {"Tiêu đề dài %[2]d ký tự; nên ngắn gọn dưới %[3]d ký tự.",
		"The subject is %[2]d characters long; keep it under %[3]d."},
	"signature.missing": {"Chữ ký thư thiếu trường bắt buộc \"%[1]s\". Hãy bổ sung trong Cài đặt › Chữ ký.",
		"The signature lacks the mandatory field \"%[1]s\". Fill it in under Settings › Signature."},
	"signature.invalid": {"Trường \"%[1]s\" của chữ ký không đúng định dạng. Hãy sửa lại.",
		"The signature field \"%[1]s\" is not in a valid form. Correct it."},
	"pdf.convert": {"Tệp \"%[1]s\" không phải PDF. Văn bản đã ban hành phải gửi dạng PDF: bấm \"Chuyển sang PDF\".",
		"\"%[1]s\" is not a PDF. Issued documents are sent as PDF: click \"Convert to PDF\"."},
	"size.limit": {"Tệp đính kèm sau mã hoá là %[2]s, vượt giới hạn %[3]s. Hãy bớt tệp hoặc chuyển sang PDF đen trắng.",
		"The attachments come to %[2]s once encoded, over the %[3]s limit. Remove files or convert them to grayscale PDF."},
	"webmail.recipient": {"Người nhận %[1]s dùng hộp thư nước ngoài; không dùng thư này cho công vụ. Hãy bỏ người nhận này.",
		"Recipient %[1]s uses foreign webmail, which is not for official business. Remove this recipient."},
	"secret.marked": {"Phát hiện dấu mật \"%[2]s\" ở %[1]s. Văn bản mật không được gửi qua thư điện tử.",
		"Found the classification \"%[2]s\" in %[1]s. Classified documents are never sent by e-mail."},
	"attachment.dangerous": {"Tệp \"%[1]s\" là tệp chạy được hoặc giả dạng văn bản; không được gửi. Hãy gỡ tệp này.",
		"\"%[1]s\" is an executable or disguised file and cannot be sent. Remove it."},
	"attachment.risky": {"Tệp \"%[1]s\" là trang web, ảnh SVG hoặc văn bản có macro, có thể chứa mã độc; nên gửi dạng PDF.",
		"\"%[1]s\" is a web page, an SVG image or a document with macros, which can carry malicious code; send it as PDF."},
	"text.nfc": {"Văn bản chưa ở dạng Unicode dựng sẵn (TCVN 6909:2001); sẽ được chuẩn hoá khi gửi.",
		"The text is not in Unicode NFC (TCVN 6909:2001); it will be normalised when sent."},
	"text.legacy": {"Văn bản gõ bằng bảng mã cũ (%[2]s), không phải Unicode. Hãy chuyển sang Unicode trước khi gửi.",
		"The text is typed in a legacy encoding (%[2]s), not Unicode. Convert it to Unicode before sending."},
}

// targetNames translate the places a finding points at.
var targetNames = map[string][2]string{
	"subject": {"tiêu đề", "the subject"}, "body": {"nội dung", "the body"},
	"name": {"họ và tên", "full name"}, "title": {"chức danh", "title"}, "agency": {"cơ quan", "agency"},
	"address": {"địa chỉ", "address"}, "phone": {"điện thoại cơ quan", "office phone"}, "mobile": {"di động", "mobile"},
	"email": {"email", "e-mail"}, "fax": {"fax", "fax"}, "website": {"website", "website"},
}

func render(lang string, f Finding) string {
	i := 0
	if lang == "en" {
		i = 1
	}
	msg, ok := messages[f.Code]
	if !ok {
		return f.Code
	}
	target := f.Target
	if t, ok := targetNames[target]; ok {
		target = t[i]
	}
	return fmt.Sprintf(msg[i], append([]any{target}, f.args...)...)
}
