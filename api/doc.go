// Package api is the contract between the Sockerless frontends and backends.
//
// Docker's wire types are not redeclared here: they come from
// github.com/moby/moby/api. This module holds what is ours: the driver
// interfaces every backend implements ([driver]), the internal API that the
// frontend uses to reach a backend daemon ([backendapi]), and the HTTP helpers
// that map errors to Docker's status codes in one place ([httpx]).
package api
