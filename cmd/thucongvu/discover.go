package main

import "errors"

func cmdDiscover(c *cli, args []string) error { return errors.New("discover: not built yet") }
