#!/bin/sh
echo "report for $1: $(uptime)"
