package main

import "errors"

func cmdAccount(c *cli, args []string) error { return errors.New("account: not built yet") }
