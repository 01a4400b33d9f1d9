package remind

import "encoding/xml"

// toast is the WinRT ToastGeneric document of one notification.
type toast struct {
	XMLName xml.Name `xml:"toast"`
	Binding struct {
		Template string `xml:"template,attr"`
		Image    *struct {
			Placement string `xml:"placement,attr"`
			Src       string `xml:"src,attr"`
		} `xml:"image,omitempty"`
		Text []string `xml:"text"`
	} `xml:"visual>binding"`
}

// toastXML is the toast document for title and body, with icon (a file
// path) as the app logo when given. encoding/xml escapes the text.
func toastXML(title, body, icon string) (string, error) {
	var t toast
	t.Binding.Template = "ToastGeneric"
	if icon != "" {
		t.Binding.Image = &struct {
			Placement string `xml:"placement,attr"`
			Src       string `xml:"src,attr"`
		}{"appLogoOverride", icon}
	}
	t.Binding.Text = []string{title, body}
	b, err := xml.Marshal(t)
	return string(b), err
}
