import AlexNet
print("bench")
