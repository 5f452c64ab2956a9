package config

// Variables exposes the list of variables to the black-box tests.
var Variables = variables
