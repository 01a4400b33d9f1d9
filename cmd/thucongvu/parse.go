package main

import "errors"

func cmdParse(c *cli, args []string) error { return errors.New("parse: not built yet") }
