package main

import "errors"

func cmdDemo(c *cli, args []string) error { return errors.New("demo: not built yet") }
