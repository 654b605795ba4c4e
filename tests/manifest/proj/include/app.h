#define APP 1
