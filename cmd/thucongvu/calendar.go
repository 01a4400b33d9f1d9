package main

import "errors"

func cmdCalendar(c *cli, args []string) error { return errors.New("calendar: not built yet") }
