module github.com/example/nlb-alb-fargate/app

go 1.25.0
