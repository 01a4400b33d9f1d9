package main

import "errors"

func cmdSync(c *cli, args []string) error { return errors.New("sync: not built yet") }
