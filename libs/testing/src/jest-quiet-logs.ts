// Services booted inside tests log warnings and errors only, unless the developer asks for more.
process.env.LOG_LEVEL ??= 'warn';
