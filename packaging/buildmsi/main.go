// Command buildmsi builds the Windows MSI on Debian with wixl and msibuild
// (see package packaging); `make msi` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"thucongvu/packaging"
)

func main() {
	var o packaging.MSIOptions
	flag.StringVar(&o.WXS, "wxs", "packaging/windows/thucongvu.wxs", "WiX source")
	flag.StringVar(&o.Exe, "exe", "bin/windows/thucongvu.exe", "windows/amd64 executable")
	flag.StringVar(&o.Icon, "icon", "assets/icon.ico", "icon")
	flag.StringVar(&o.Version, "version", "", "ProductVersion, n.n.n")
	flag.StringVar(&o.ISPFile, "isp", "", "optional agency settings file DOMAIN.xml")
	flag.StringVar(&o.MesaDLL, "mesa", "", "optional Mesa opengl32.dll")
	flag.StringVar(&o.Out, "o", "bin/windows/thucongvu.msi", "output")
	verbose := flag.Bool("v", false, "show the tools' output")
	flag.Parse()
	if *verbose {
		o.Log = os.Stderr
	}
	if err := packaging.BuildMSI(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "buildmsi:", err)
		os.Exit(1)
	}
	fmt.Println(o.Out)
}
