package main

import "errors"

func cmdConvert(c *cli, args []string) error { return errors.New("convert: not built yet") }
