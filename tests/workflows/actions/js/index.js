console.log("JS_RAN=yes")
