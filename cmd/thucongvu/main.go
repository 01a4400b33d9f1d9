// Command thucongvu is the Thư Công Vụ mail client. With no arguments it
// opens the GUI; its subcommands form the command-line contract in README.md.
// This file only wires: it parses the global flags and dispatches.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"thucongvu/internal/failure"
	"thucongvu/internal/i18n"
)

// cli is what every subcommand gets: its streams, language and state folder.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	msg            *i18n.Catalog
	home           string
}

type command struct {
	run  func(c *cli, args []string) error
	help string
}

func commands() map[string]command {
	return map[string]command{
		"version":      {cmdVersion, "version"},
		"account":      {cmdAccount, "account add|list|remove"},
		"sync":         {cmdSync, "sync [NAME] [--once] [--bodies] [--json]"},
		"search":       {cmdSearch, "search QUERY [--account NAME] [--limit N] [--json]"},
		"parse":        {cmdParse, "parse FILE.eml [--json]"},
		"profiles":     {cmdProfiles, "profiles [--json]"},
		"calendar":     {cmdCalendar, "calendar YEAR [--profile ID] [--json]"},
		"convert":      {cmdConvert, "convert FILE... [-o DIR] [--grayscale] [--json]"},
		"discover":     {cmdDiscover, "discover EMAIL [--json]"},
		"demo":         {cmdDemo, "demo [--headless]"},
		"snapshots":    {cmdSnapshots, "snapshots DIR"},
		"signature":    {cmdSignature, "signature NAME [--set FIELD=VALUE]... [--json]"},
		"sign-images":  {cmdSignImages, signImagesUsage},
		"check":        {cmdCheck, "check FILE.eml [--account NAME | --profile ID] [--json]"},
		"send":         {cmdSend, "send FILE.eml --account NAME [--json]"},
		"outbox":       {cmdOutbox, "outbox [--flush] [--json]"},
		"ack":          {cmdAck, "ack [NAME] [--dry-run] [--json]"},
		"acks":         {cmdAcks, "acks [NAME] [--resend MESSAGE-ID] [--json]"},
		"doctor":       {cmdDoctor, "doctor [--json]"},
		"ack-template": {cmdAckTemplate, "ack-template NAME [--language vi|en] [--file F | --reset]"},
		"process":      {cmdProcess, "process MESSAGE-ID --account NAME --to ADDR[,ADDR…] --note TEXT [--deadline YYYY-MM-DD] [--json]"},
		"register":     {cmdRegister, registerUse},
		"report":       {cmdReport, reportUse},
		"backup":       {cmdBackup, "backup NAME --to DIR [--prune-server-older-than DAYS] [--json]"},
		"restore":      {cmdRestore, "restore DIR --account NAME [--json]"},
		"verify":       {cmdVerify, "verify FILE.pdf... [--extract DIR] [--json]"},
		"sign":         {cmdSign, "sign IN.pdf --out OUT.pdf --as signer|organization|copy [--image PNG] [--tsa URL] [--pin-stdin] [--token LABEL] [--key LABEL] [--json]"},
		"trust":        {cmdTrust, "trust add FILE...|list [--json]|remove SHA256..."},
		"help":         {nil, "help"},
	}
}

func main() {
	restoreLocale()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	lang := i18n.FromEnv()
	var rest []string
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "--lang" && i+1 < len(args):
			lang = args[i+1]
			i++
		case strings.HasPrefix(args[i], "--lang="):
			lang = strings.TrimPrefix(args[i], "--lang=")
		default:
			rest = append(rest, args[i])
		}
	}
	msg, err := i18n.Load(lang)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, msg: msg, home: homeDir()}
	if len(rest) == 0 {
		return c.report(cmdGUI(c, nil))
	}
	cmds := commands()
	if rest[0] == "help" || rest[0] == "-h" || rest[0] == "--help" {
		c.usage(cmds)
		return 0
	}
	cmd, ok := cmds[rest[0]]
	if !ok || cmd.run == nil {
		fmt.Fprintln(stderr, msg.T("cli.unknown_command", rest[0]))
		return 2
	}
	return c.report(cmd.run(c, rest[1:]))
}

func (c *cli) usage(cmds map[string]command) {
	fmt.Fprintln(c.stdout, "thucongvu — Thư Công Vụ")
	for _, name := range sortedKeys(cmds) {
		fmt.Fprintln(c.stdout, "  thucongvu "+cmds[name].help)
	}
}

// report prints err as one translated line on stderr and returns its exit code.
func (c *cli) report(err error) int {
	if err == nil {
		return 0
	}
	key := "err." + failure.Class(err)
	if key == "err.canceled" {
		key = "err.generic"
	}
	line := strings.ReplaceAll(c.msg.T(key, err.Error()), "\n", " ")
	fmt.Fprintln(c.stderr, "thucongvu: "+line)
	return failure.ExitCode(err)
}

// homeDir is THUCONGVU_HOME, or the user's configuration folder.
func homeDir() string {
	if h := os.Getenv("THUCONGVU_HOME"); h != "" {
		return h
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "thucongvu")
	}
	return ".thucongvu"
}

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", failure.ErrUsage, fmt.Sprintf(format, args...))
}
