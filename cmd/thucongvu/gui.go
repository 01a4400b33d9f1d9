package main

import "errors"

func cmdGUI(c *cli, args []string) error { return errors.New("gui: not built yet") }
