package main

import "errors"

func cmdSearch(c *cli, args []string) error { return errors.New("search: not built yet") }
