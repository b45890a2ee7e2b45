#!/bin/sh
echo "DOCKER_ACTION=$1 $(cat /built.txt)"
echo "INPUT_WORD=$INPUT_WORD"
