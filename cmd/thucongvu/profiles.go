package main

import "errors"

func cmdProfiles(c *cli, args []string) error { return errors.New("profiles: not built yet") }
